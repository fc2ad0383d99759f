"""Shared fixtures: one real database per run (SQLite file, or PostgreSQL when
DATABASE_URL says so), migrated once and emptied between tests."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, MetaData, text

from handlers.features import registry
from storage.db import make_engine, migrate

DUMMY_MIGRATIONS = (Path(__file__).parent / "dummy_feature" / "migrations",)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'relais.db'}"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    if engine.dialect.name == "postgresql":  # start from nothing, as a new install would
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate(engine, (*registry().migrations, *DUMMY_MIGRATIONS))  # the dummy's table too: the tests run it
    yield engine
    engine.dispose()


@pytest.fixture
def clean_engine(engine: Engine) -> Engine:
    meta = MetaData()
    meta.reflect(engine)
    tables = [t for t in reversed(meta.sorted_tables) if t.name != "alembic_version"]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":  # ids start again at 1, as on a new install
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t.name}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())
    return engine


def pytest_report_header() -> list[str]:
    lines = [f"database: {os.environ.get('DATABASE_URL', 'sqlite (temporary file)')}"]
    if os.environ.get("RELAIS_FAKE_NOW"):  # tests/clock/sitecustomize.py
        import time

        lines.append(f"clock: moved to {os.environ['RELAIS_FAKE_NOW']}, reads {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")
    return lines


ROOT = Path(__file__).resolve().parent.parent

# A Wednesday morning in Paris, a working day far from every schedule's edge. CI's runs at
# hostile instants (tests/clock/sitecustomize.py, RELAIS_FAKE_NOW) start there instead.
PINNED = datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))


SETTINGS = ("RELAIS_", "SLACK_", "CM_", "ADMIN_", "MATTERMOST_", "TEAM_", "DATABASE_URL")


def without_settings() -> dict[str, str]:
    """This process's environment for a `relais` process a test starts: none of the settings
    the run was given (the test says its own), the run's pinned clock kept (RELAIS_FAKE_*)."""
    return {k: v for k, v in os.environ.items() if not k.startswith(SETTINGS) or k.startswith("RELAIS_FAKE_")}


def _pin_every_process() -> None:
    """A run not moved by CI is moved to PINNED, this process and every `relais` process the
    tests start (tests/clock/sitecustomize.py, on their PYTHONPATH): a server run as production
    runs it reads the same instant whatever the wall clock says, and signs alike."""
    os.environ["PYTHONPATH"] = os.pathsep.join((str(ROOT / "tests" / "clock"), str(ROOT)))  # from any folder
    if os.environ.get("RELAIS_FAKE_NOW"):  # CI's hostile instant: this process has travelled already
        return
    import time_machine

    os.environ["RELAIS_FAKE_NOW"] = PINNED.isoformat()
    os.environ["RELAIS_FAKE_SINCE"] = str(time.time())
    time_machine.travel(PINNED, tick=True).start()


_pin_every_process()


class TestClock:
    """The time every core and server a test starts reads: a pinned instant (the run's
    hostile instant under CI), running on with real time so that waits and leases pass,
    and moved forward only when a test says so (`advance`). No test helper reads the wall
    clock: the production one (bot/bootstrap.py) is for production entry points alone."""

    __test__ = False  # not a test class, whatever its name

    def __init__(self, start: datetime | None = None) -> None:
        moved = os.environ.get("RELAIS_FAKE_NOW")
        self.start = start or (datetime.fromisoformat(moved) if moved else PINNED)
        self.began = time.monotonic()
        self.moved = timedelta(0)

    def __call__(self) -> datetime:
        elapsed = timedelta(seconds=time.monotonic() - self.began)
        return (self.start + elapsed + self.moved).astimezone(timezone.utc)

    def advance(self, by: timedelta) -> None:
        self.moved += by


@pytest.fixture
def clock() -> TestClock:
    return TestClock()
