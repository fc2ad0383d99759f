"""Functions stay short enough to read at once: none over 40 lines in bot/, handlers/
or storage/ (there were 17 when this test was written). A feature's `register`, a
table of contents listing its declarations, is not counted."""

from __future__ import annotations

import ast

from tests.conftest import ROOT

LIMIT = 40


def long_functions() -> list[str]:
    found = []
    for folder in ("bot", "handlers", "storage"):
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name != "register":
                    assert node.end_lineno is not None
                    if node.end_lineno - node.lineno + 1 > LIMIT:
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    return found


def test_no_function_is_longer_than_the_limit():
    found = long_functions()
    assert found == [], f"{len(found)} functions over {LIMIT} lines:\n" + "\n".join(found)
