"""What every table is built on: one declarative base (one metadata, which Alembic
compares with the migrations), UTC times, and the clock stamp. The tables themselves
live in their feature's folder (`handlers/<feature>/tables.py`); every table a
volunteer's words land in is written before any platform call, so nothing typed is
lost when Slack or Mattermost is down."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.orm import DeclarativeBase

from storage.engine import UTCDateTime as UTCDateTime  # the tables import it from here


def utcnow() -> datetime:
    """Only for rows written without a session (Core inserts that give no time)."""
    return datetime.now(timezone.utc)


_STAMPED: dict[type, tuple[str, ...]] = {}


def stamped(model: type) -> tuple[str, ...]:
    """The columns a new row gets the current time in (make_sessions stamps them by its clock)."""
    if model not in _STAMPED:
        columns = cast(Any, model).__table__.columns
        _STAMPED[model] = tuple(c.key for c in columns if isinstance(c.type, UTCDateTime) and c.default is not None)
    return _STAMPED[model]


class Base(DeclarativeBase):
    """Every feature's tables, on one metadata: the migrations are checked against it whole."""


def table_of(model: type[Base]) -> Table:
    """The table behind a model, for the statements the core builds once and runs on every request."""
    return cast(Table, model.__table__)
