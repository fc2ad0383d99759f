"""Engine and sessions from DATABASE_URL, and the migrations Relais applies at start."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from storage.engine import make_engine as make_engine  # where the callers have always found it
from storage.models import stamped

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
_REVISION = re.compile(r"^(down_revision|revision|depends_on)\b[^=]*=\s*[\"']?([\w-]+|None)", re.MULTILINE)


Folders = tuple[Path, ...]


@functools.cache
def _graph(features: Folders) -> dict[str, tuple[str, str]]:
    """Each revision's down revision and the revision it depends on (a feature's first
    migration comes after the shared history), read from the files as Alembic reads them,
    without loading Alembic: a quarter of a second at every start."""
    graph: dict[str, tuple[str, str]] = {}
    for folder in (MIGRATIONS / "versions", *features):
        for script in folder.glob("*.py"):
            found = {m.group(1): m.group(2) for m in _REVISION.finditer(script.read_text(encoding="utf-8"))}
            graph[found["revision"]] = (found.get("down_revision", "None"), found.get("depends_on", "None"))
    return graph


def heads(features: Folders = ()) -> frozenset[str]:
    """The newest revision of each branch: the shared history's, and each feature's whose
    migrations/ folder is in `features` (the revisions no other revises; tests/test_schema.py
    checks they are Alembic's)."""
    graph = _graph(features)
    return frozenset(set(graph) - {down for down, _depends in graph.values()})


def applied(revisions: frozenset[str], features: Folders = ()) -> frozenset[str]:
    """Every revision a database holds: those its version table names (Alembic keeps only
    the newest of each line) and all they come after."""
    graph, seen, todo = _graph(features), set(), list(revisions)
    while todo:
        revision = todo.pop()
        if revision not in seen:
            seen.add(revision)
            todo += [r for r in graph.get(revision, ()) if r != "None"]
    return frozenset(seen)


def alembic_config(connection: Connection, features: Folders = ()) -> Config:
    """Alembic's configuration for `connection`: the shared history and each feature's own
    branch (its folder's migrations/). Alembic loads here only, when a migration is due."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", os.pathsep.join(map(str, (MIGRATIONS / "versions", *features))))
    config.attributes["connection"] = connection
    return config


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


def revisions(engine: Engine) -> frozenset[str]:
    """The schema's revisions (one per branch), none for a new database."""
    try:
        with engine.connect() as conn:
            return frozenset(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    except DBAPIError:  # no such table yet
        return frozenset()


def migrate(engine: Engine, features: Folders = ()) -> None:
    """Bring the schema to the newest revision of every branch; safe to call at every start.
    A database at those heads already is left as it is without loading Alembic (a quarter
    of a second less at every start), and so is one that also holds a feature this Relais
    does not run (its tables stay, untouched)."""
    if heads(features) <= applied(revisions(engine), features):
        return
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(alembic_config(conn, features), "heads")
