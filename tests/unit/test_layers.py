"""handlers/ and storage/ know nothing of Slack, Mattermost or bot/ (DESIGN.md §1)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

FORBIDDEN = ("slack_bolt", "slack_sdk", "bot", "starlette", "uvicorn", "mattermostdriver")


def imports(path: Path) -> list[str]:
    """Every module a file imports, whether as `import x` or `from x import y`."""
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append(node.module or "")
    return names


@pytest.mark.parametrize("layer", ["handlers", "storage"])
def test_core_layers_import_no_platform(layer):
    for path in (ROOT / layer).rglob("*.py"):
        for name in imports(path):
            assert name.split(".")[0] not in FORBIDDEN, f"{path.relative_to(ROOT)} imports {name}"


def test_the_web_layer_does_not_reach_into_storage():
    """bot/web.py serves HTTP; what it reports comes from the handlers (outbox.health)."""
    names = imports(ROOT / "bot" / "web.py")
    assert not any(n.split(".")[0] in ("storage", "sqlalchemy") for n in names), f"bot/web.py imports {names}"


def test_the_outbox_and_the_core_import_no_feature():
    """Features register with the core; the core never names one."""
    features = {"news", "role", "charters", "topics", "moderation", "recap"}
    for path in (ROOT / "handlers" / "core").glob("*.py"):
        for name in imports(path):
            parts = name.split(".")
            assert not (parts[0] == "handlers" and len(parts) > 1 and parts[1] in features), (
                f"{path.relative_to(ROOT)} imports {name}"
            )


def test_no_job_store_is_shared_through_the_database():
    """APScheduler's job stores must never be shared between schedulers: jobs live in memory."""
    for folder in ("bot", "handlers", "storage"):
        for path in (ROOT / folder).rglob("*.py"):
            assert "SQLAlchemyJobStore" not in path.read_text(), path
