"""`/healthz`'s view of the watch: each configured source's last successful read, as
an age. In SQLAlchemy Core alone: the HTTP process of `relais serve` answers
/healthz and loads neither the ORM nor the watch (bot/front.py)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import String, column, select, table

from storage.engine import UTCDateTime

if TYPE_CHECKING:
    from sqlalchemy import Connection

SOURCES = table("watch_sources", column("name", String), column("ok_at", UTCDateTime))


def ages(conn: Connection, sources: tuple[tuple[str, str], ...], now: datetime) -> dict[str, float | None]:
    """Seconds since each configured source (stored name, label) was last read successfully (None: never)."""
    if not sources:
        return {}
    read = {name: at for name, at in conn.execute(select(SOURCES.c.name, SOURCES.c.ok_at))}
    return {label: round((now - at).total_seconds(), 1) if (at := read.get(name)) else None for name, label in sources}
