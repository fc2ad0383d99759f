"""The one once-only mechanism, shared by the inbox and the outbox: a row is
added under a unique key (a second add of the key is a no-op), and is claimed
before it is acted on — `FOR UPDATE SKIP LOCKED` on PostgreSQL, so instances
never wait on each other; a compare-and-set update on SQLite, one short write
each, so a read lock is never upgraded (SQLite would refuse it mid-transaction)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from sqlalchemy import CursorResult, Executable, Select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from handlers.core.deps import Deps
from storage.models import Base, table_of


def changed(session: Session, statement: Executable, params: dict[str, Any] | None = None) -> bool:
    """Whether an UPDATE changed a row: the compare-and-set's verdict (another instance, or
    a second click, that got there first leaves nothing to change)."""
    result: CursorResult[Any] = session.execute(statement, params)  # type: ignore[assignment]
    return result.rowcount > 0


@cache
def insert_or_ignore(model: type[Base], key_column: str, dialect: str) -> postgresql.Insert | sqlite.Insert:
    """INSERT … ON CONFLICT DO NOTHING, built once per table: every request adds an inbox
    row and most add outbox rows, and building the statement each time cost more than
    running it."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table_of(model)).on_conflict_do_nothing(index_elements=[key_column])


@cache
def _insert_once(model: type[Base], key_column: str, dialect: str) -> Executable:
    return insert_or_ignore(model, key_column, dialect).returning(table_of(model).c.id)


def add_once(session: Session, model: type[Base], key_column: str, values: dict[str, Any]) -> int | None:
    """INSERT … ON CONFLICT DO NOTHING in the caller's transaction; the new id, or None."""
    stmt = _insert_once(model, key_column, session.get_bind().dialect.name)
    return session.execute(stmt, values).scalar()


def claim(
    deps: Deps, query: Select[Any], still: ColumnElement[bool], values: Callable[[Any], dict[str, Any]]
) -> list[Any]:
    """Take the rows `query` finds and `still` holds for, setting `values` on each."""
    with deps.db.begin() as s:
        if s.get_bind().dialect.name == "postgresql":
            rows = list(s.scalars(query.with_for_update(skip_locked=True)))
            for row in rows:
                s.execute(update(type(row)).where(type(row).id == row.id).values(**values(row)))
            return rows
        candidates = list(s.scalars(query))
    claimed = []
    for row in candidates:
        with deps.db.begin() as s:
            model = type(row)
            if changed(s, update(model).where(model.id == row.id, still).values(**values(row))):
                claimed.append(row)
    return claimed
