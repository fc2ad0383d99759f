"""Engine and sessions from DATABASE_URL, and the migrations Relais applies at start."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from storage.models import stamped

MIGRATIONS = Path(__file__).parent / "migrations"
_REVISION = re.compile(r"^(down_revision|revision)\b[^=]*=\s*[\"']?([\w-]+|None)", re.MULTILINE)


@functools.cache
def head() -> str:
    """The newest migration's revision, read from the migration files as Alembic reads them
    (the one no other revises) without loading Alembic: a quarter of a second at every start."""
    revised: set[str] = set()
    revisions: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        found = {m.group(1): m.group(2) for m in _REVISION.finditer(script.read_text(encoding="utf-8"))}
        revisions.add(found["revision"])
        revised.add(found.get("down_revision", "None"))
    (newest,) = revisions - revised  # one head: tests/test_schema.py checks it is Alembic's
    return newest


def make_engine(url: str) -> Engine:
    engine = create_engine(url, pool_pre_ping=not url.startswith("sqlite"))
    if engine.dialect.name == "sqlite":
        # Several worker threads write; wait for the lock instead of failing at once.
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA busy_timeout = 10000")
            cur.execute("PRAGMA foreign_keys = ON")
            # WAL: readers never wait for the writer, and a commit is one append to the log.
            # synchronous=NORMAL: a commit survives the process being killed (the log is
            # written before the commit returns); only a power cut can lose the last commits.
            if dbapi_conn.execute("PRAGMA database_list").fetchone()[2]:  # a file, not :memory:
                cur.execute("PRAGMA journal_mode = WAL")
                cur.execute("PRAGMA synchronous = NORMAL")
            cur.close()

    return engine


def make_sessions(engine: Engine, clock: Callable[[], datetime]) -> sessionmaker[Session]:
    """Sessions whose new rows are stamped by `clock` (created_at, seen_at…) where the code
    gave no time: the whole of Relais then reads one clock, the one a test controls."""
    sessions = sessionmaker(engine, expire_on_commit=False)

    @event.listens_for(sessions, "before_flush")
    def _stamp(session: Session, _context: object, _instances: object) -> None:
        now: datetime | None = None
        for row in session.new:
            for name in stamped(type(row)):
                if getattr(row, name) is None:
                    now = now or clock()
                    setattr(row, name, now)

    return sessions


def revision(engine: Engine) -> str | None:
    """The schema's revision, None for a new database."""
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:  # no such table yet
        return None


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision; safe to call at every start. A database
    at its head already is left as it is without loading Alembic: a quarter of a second
    less at every start."""
    if revision(engine) == head():
        return
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
