"""Engine and sessions from DATABASE_URL, and the migrations Relais applies at start."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session, sessionmaker

from storage.engine import make_engine as make_engine  # where the callers have always found it
from storage.models import stamped
from storage.versions import MIGRATIONS, up_to_date
from storage.versions import Folders as Folders
from storage.versions import applied as applied  # and the version reads, for the same reason
from storage.versions import heads as heads
from storage.versions import revisions as revisions

if TYPE_CHECKING:
    from alembic.config import Config


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


def migrate(engine: Engine, features: Folders = ()) -> None:
    """Bring the schema to the newest revision of every branch; safe to call at every start.
    A database at those heads already is left as it is without loading Alembic (a quarter
    of a second less at every start), and so is one that also holds a feature this Relais
    does not run (its tables stay, untouched)."""
    if up_to_date(engine, features):
        return
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(alembic_config(conn, features), "heads")
