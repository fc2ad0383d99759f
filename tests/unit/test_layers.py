"""handlers/ and storage/ know nothing of Slack, Mattermost or bot/ (DESIGN.md §1);
the core names no feature; no module imports itself back through others. Imports
are read from the source: at the top, deferred (inside a function) and those under
`if TYPE_CHECKING:` all count, since a cycle closed for the type checker only is
still two modules that cannot be understood one without the other."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

FORBIDDEN = ("slack_bolt", "slack_sdk", "bot", "starlette", "uvicorn", "mattermostdriver")
FEATURES = sorted(p.parent.name for p in (ROOT / "handlers").glob("*/feature.py") if p.parent.name != "core")


def _type_checking_only(tree: ast.AST) -> set[int]:
    """The ids of import nodes under `if TYPE_CHECKING:`."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING":
            skipped |= {id(n) for child in node.body for n in ast.walk(child)}
    return skipped


def imports(path: Path, *, typing: bool = True) -> list[str]:
    """Every module a file imports, as `import x` or `from x import y` (`from package
    import module` counts as the module), at the top, deferred, or for the type checker
    only (`typing=False` leaves those out: what runs)."""
    tree = ast.parse(path.read_text())
    skipped = set() if typing else _type_checking_only(tree)
    names = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
            names += [f"{node.module}.{a.name}" for a in node.names]
    return names


def modules() -> dict[str, Path]:
    found = {}
    for folder in ("handlers", "storage", "bot"):
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            found[name] = path
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: {n for n in imports(path) if n in known and n != name} for name, path in known.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Each cycle found by a depth-first walk, as the modules it goes through."""
    found, state, stack = [], {}, []

    def walk(node: str) -> None:
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                found.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                walk(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            walk(node)
    return found


@pytest.mark.parametrize("layer", ["handlers", "storage"])
def test_core_layers_import_no_platform(layer):
    for path in (ROOT / layer).rglob("*.py"):
        for name in imports(path):
            assert name.split(".")[0] not in FORBIDDEN, f"{path.relative_to(ROOT)} imports {name}"


def test_the_web_layer_does_not_reach_into_storage():
    """bot/web.py serves HTTP; what it reports comes from the handlers (handlers/core/rows.py)."""
    names = imports(ROOT / "bot" / "web.py")
    assert not any(n.split(".")[0] in ("storage", "sqlalchemy") for n in names), f"bot/web.py imports {names}"


def test_the_core_imports_no_feature_not_even_lazily():
    """Features register with the core; the core never names one (the list comes from the folders)."""
    assert {"news", "moderation", "reminders", "home", "tips", "reports"} <= set(FEATURES) and len(FEATURES) >= 10
    for path in (ROOT / "handlers" / "core").glob("*.py"):
        for name in imports(path):
            parts = name.split(".")
            assert not (parts[0] == "handlers" and len(parts) > 1 and parts[1] in (*FEATURES, "features")), (
                f"{path.relative_to(ROOT)} imports {name}"
            )


def test_no_module_imports_itself_back():
    """No cycle in handlers/, storage/ or bot/, deferred and type-only imports included."""
    assert cycles(graph()) == []


def test_the_cycle_finder_sees_an_import_for_the_type_checker_only(tmp_path):
    """The old registry.py named the unit of work under TYPE_CHECKING, and uow.py the registry."""
    old = tmp_path / "registry.py"
    old.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from handlers.core.uow import UnitOfWork\n"
    )
    assert "handlers.core.uow" in imports(old) and "handlers.core.uow" not in imports(old, typing=False)
    edges = {"handlers.core.registry": {"handlers.core.uow"}, "handlers.core.uow": {"handlers.core.registry"}}
    assert cycles(edges) == [["handlers.core.registry", "handlers.core.uow", "handlers.core.registry"]]


def test_the_cycle_finder_sees_a_deferred_import(tmp_path):
    """The old context.py named handlers.features inside a function: that was a cycle."""
    old = tmp_path / "context.py"
    old.write_text("def _all_features():\n    from handlers.features import registry\n    return registry()\n")
    assert "handlers.features" in imports(old)
    edges = {"handlers.core.context": {"handlers.features"}, "handlers.features": {"handlers.news.feature"},
             "handlers.news.feature": {"handlers.core.context"}}  # fmt: skip
    assert cycles(edges) == [["handlers.core.context", "handlers.features", "handlers.news.feature",
                              "handlers.core.context"]]  # fmt: skip


def test_no_job_store_is_shared_through_the_database():
    """APScheduler's job stores must never be shared between schedulers: jobs live in memory."""
    for folder in ("bot", "handlers", "storage"):
        for path in (ROOT / folder).rglob("*.py"):
            assert "SQLAlchemyJobStore" not in path.read_text(), path
