"""Rows owed: what a use case, a delivery or a watch adds to the outbox, under a
unique key (a key owed already adds nothing). Sending them is outbox.py's job."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.core.once import add_once
from handlers.core.registry import FollowUp
from storage.models import Outbox

if TYPE_CHECKING:
    from handlers.core.uow import UnitOfWork

CLAIM = timedelta(minutes=1)  # longer than any one delivery with the SDK's own retries


def enqueue(
    session: Session,
    kind: str,
    payload: dict[str, Any],
    *,
    key: str,
    due_at: datetime,
    claimed_until: datetime | None = None,
) -> int | None:
    """Add a row in the caller's transaction; None if a row with this key exists already.
    `claimed_until`: the caller sends it itself right after the commit."""
    values: dict[str, Any] = {"kind": kind, "payload": payload, "dedupe_key": key[:200], "attempts": 0,
                              "last_error": "", "due_at": due_at, "claimed_until": claimed_until}  # fmt: skip
    return add_once(session, Outbox, "dedupe_key", values)


def enqueue_all(session: Session, rows: Iterable[FollowUp], due_at: datetime) -> list[int]:
    """Add rows for whoever delivers what is due (the ticker)."""
    added = (enqueue(session, r.kind, r.payload, key=r.key, due_at=due_at) for r in rows)
    return [i for i in added if i is not None]


def owe(uow: UnitOfWork, rows: Iterable[tuple[FollowUp, datetime]]) -> int:
    """Rows a condition made due (each with its due time), for the ticker: those whose key
    is already there are left alone without a write, so asking at every tick costs a read."""
    wanted = {r.key[:200]: (r, due) for r, due in rows}
    if not wanted:
        return 0
    with uow.reading() as s:
        known = set(s.scalars(select(Outbox.dedupe_key).where(Outbox.dedupe_key.in_(list(wanted)))))
    missing = [v for k, v in wanted.items() if k not in known]
    if not missing:
        return 0
    with uow.writing() as s:
        return sum(enqueue(s, r.kind, r.payload, key=r.key, due_at=due) is not None for r, due in missing)


def enqueue_claimed(session: Session, rows: Iterable[FollowUp], now: datetime) -> list[Outbox]:
    """Add rows the caller sends itself right after the commit (`deliver_claimed`): they
    are claimed from the start, and handed back as they are, so no write claims them
    and no read loads them again."""
    added = []
    for r in rows:
        row_id = enqueue(session, r.kind, r.payload, key=r.key, due_at=now, claimed_until=now + CLAIM)
        if row_id is not None:
            added.append(Outbox(id=row_id, kind=r.kind, payload=r.payload, dedupe_key=r.key, attempts=0))
    return added
