"""Which migrations a database holds and which are the newest, read without Alembic nor
the ORM: every start checks this, and the HTTP process of `relais serve` (bot/front.py)
starts taking requests at once when the database is up to date. Applying those it lacks
(`migrate`) loads Alembic and the migration files, and no ORM model: the back of `relais
serve` migrates a new database before it loads the rest of Relais."""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
HANDLERS = Path(__file__).parent.parent / "handlers"
_REVISION = re.compile(r"^(down_revision|revision|depends_on)\b[^=]*=\s*[\"']?([\w-]+|None)", re.MULTILINE)

Folders = tuple[Path, ...]


def shipped_folders() -> Folders:
    """The shipped features' own migrations/ folders, as handlers/features.py lists them
    (tests/test_schema.py checks they are the same), without importing a feature."""
    return tuple(sorted(m for m in HANDLERS.glob("*/migrations") if m.is_dir()))


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


def revisions(engine: Engine) -> frozenset[str]:
    """The schema's revisions (one per branch), none for a new database."""
    try:
        with engine.connect() as conn:
            return frozenset(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    except DBAPIError:  # no such table yet
        return frozenset()


def up_to_date(engine: Engine, features: Folders = ()) -> bool:
    """True when the database holds the newest revision of every branch (and perhaps a
    feature this Relais does not run: its tables stay, untouched)."""
    return heads(features) <= applied(revisions(engine), features)


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


def migrate(engine: Engine, features: Folders = ()) -> None:
    """Bring the schema to the newest revision of every branch; safe to call at every start.
    A database at those heads already is left as it is without loading Alembic (a quarter
    of a second less at every start), and so is one that also holds a feature this Relais
    does not run (its tables stay, untouched)."""
    if up_to_date(engine, features):
        return
    from alembic import command

    with engine.begin() as conn:
        config = alembic_config(conn, features)
        config.attributes["upgrading"] = True  # the files alone: storage/migrations/env.py
        command.upgrade(config, "heads")
