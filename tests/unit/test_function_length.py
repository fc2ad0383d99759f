"""Functions stay short enough to read at once: over 40 lines is counted, and the
count may only go down (it was 17 when this test was written). A feature's
`register`, a list of declarations, is not counted."""

from __future__ import annotations

import ast

from tests.conftest import ROOT

LIMIT, CEILING = 40, 14


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


def test_no_more_long_functions_than_before():
    found = long_functions()
    print("\n".join(found))
    assert len(found) <= CEILING, f"{len(found)} functions over {LIMIT} lines (at most {CEILING}):\n" + "\n".join(found)
