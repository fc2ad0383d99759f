"""Engine and sessions from DATABASE_URL, and the migrations Relais applies at start."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from storage.engine import make_engine as make_engine  # where the callers have always found it
from storage.models import stamped
from storage.versions import Folders as Folders
from storage.versions import alembic_config as alembic_config
from storage.versions import applied as applied  # and the version reads, for the same reason
from storage.versions import heads as heads
from storage.versions import migrate as migrate
from storage.versions import revisions as revisions


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
