"""No test reads the wall clock to decide what it expects: a test that did failed CI
every Monday night (the recap slot). Tests read the injected clock (`deps.clock()`,
`core.deps.clock()`); CI also runs the suite at frozen hostile instants (.ci/run)."""

from __future__ import annotations

import re

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
    assert readers == ["handlers/core/context.py"]  # the default of Deps.clock, and only it
