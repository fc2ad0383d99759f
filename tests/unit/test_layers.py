"""handlers/ and storage/ know nothing of Slack, Mattermost or bot/ (DESIGN.md §1)."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import ROOT

FORBIDDEN = ("slack_bolt", "slack_sdk", "bot", "starlette", "uvicorn", "mattermostdriver")


@pytest.mark.parametrize("layer", ["handlers", "storage"])
def test_core_layers_import_no_platform(layer):
    for path in (ROOT / layer).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{path.relative_to(ROOT)} imports {name}"
