"""No test reads the wall clock to decide what it expects: a test that did failed CI
every Monday night (the recap slot). Tests read the injected clock (`deps.clock()`,
`core.deps.clock()`); CI also runs the suite at frozen hostile instants (.ci/run)."""

from __future__ import annotations

import inspect
import re
from dataclasses import MISSING, fields

from handlers.core.deps import Deps
from tests.conftest import ROOT

WALL_CLOCK = re.compile(r"\b(?:datetime\.(?:now|utcnow|today)|date\.today)\(")


def test_no_test_reads_the_wall_clock():
    readers = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in (ROOT / "tests").rglob("*.py")
        if path.name != "test_no_wall_clock.py"
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if WALL_CLOCK.search(line)
    ]
    assert readers == []


def test_the_handlers_read_only_the_injected_clock():
    readers = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "handlers").rglob("*.py")
        for line in path.read_text().splitlines()
        if WALL_CLOCK.search(line)
    ]
    assert readers == []  # Deps.clock has no default: bot/bootstrap.py's wall_clock is handed in


def test_no_test_runs_a_core_or_a_server_on_the_wall_clock():
    """The servers the tests started ran on the wall clock by default, and a test that moved
    one two hours forward failed every Sunday 22:00-24:00 Paris. Now nothing builds a core
    without a clock, and no test hands in the production one."""
    from bot import bootstrap, runner
    from storage.db import make_sessions

    builders = [bootstrap.bootstrap, bootstrap.platform_core, runner.http_app, runner.slack_app, runner.console,
                make_sessions]  # fmt: skip
    defaults = {b.__name__: inspect.signature(b).parameters["clock"].default for b in builders}
    assert set(defaults.values()) == {inspect.Parameter.empty}, defaults
    assert next(f for f in fields(Deps) if f.name == "clock").default is MISSING
    users = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "tests").rglob("*.py")
        if path.name != "test_no_wall_clock.py" and "wall_clock" in path.read_text()
    ]
    assert users == []
