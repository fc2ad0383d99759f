"""Rows owed: the one place a message becomes an outbox row, under its unique key (a
key owed already adds nothing). `uow.queue` calls it for a use case or a job, the
outbox for what a sender hands back; sending the rows is outbox.py's job."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers.core.once import add_once
from handlers.core.outgoing import Owed
from handlers.core.tables import Outbox

CLAIM = timedelta(minutes=1)  # longer than any one delivery with the SDK's own retries


def add(session: Session, owed: Iterable[Owed], now: datetime, *, claim: bool = True) -> list[Outbox]:
    """Add the rows in the caller's transaction; returns those added. Those due now are
    claimed from the start (`claimed_until` set), for the caller to send right after the
    commit (`outbox.deliver_claimed`): no write claims them and no read loads them
    again. Those due later, or all with `claim=False`, wait for the ticker."""
    added = []
    for o in owed:
        due = o.due or now
        claimed = now + CLAIM if claim and due <= now else None
        values: dict[str, Any] = {"kind": o.message.kind, "payload": o.message.payload(), "dedupe_key": o.key[:200],
                                  "attempts": 0, "last_error": "", "due_at": due, "claimed_until": claimed}  # fmt: skip
        row_id = add_once(session, Outbox, "dedupe_key", values)
        if row_id is not None:
            added.append(Outbox(id=row_id, **values))
    return added


def missing(session: Session, owed: Iterable[Owed]) -> list[Owed]:
    """Those whose key is not owed yet: a job asking at every tick costs a read, not a write."""
    wanted = {o.key[:200]: o for o in owed}
    if not wanted:
        return []
    known = set(session.scalars(select(Outbox.dedupe_key).where(Outbox.dedupe_key.in_(list(wanted)))))
    return [o for k, o in wanted.items() if k not in known]


def spaced(session: Session, kind: str, now: datetime, count: int, every: timedelta) -> list[datetime]:
    """`count` due times `every` apart, after the last row of `kind` still waiting: a burst
    of posts to one channel goes out as the platform asks (Slack: one message a second per
    channel) with no thread sleeping; the ticker wakes for each (bot/scheduler.py)."""
    waiting = select(func.max(Outbox.due_at)).where(
        Outbox.kind == kind, Outbox.delivered_at.is_(None), Outbox.failed_at.is_(None)
    )
    latest = session.scalar(waiting)
    start = max(now, latest + every) if latest is not None else now
    return [start + every * i for i in range(count)]


def later(session: Session, kind: str, now: datetime) -> int:
    """How many rows of `kind` wait for a due time still to come (a spaced burst's tail)."""
    waiting = select(func.count()).where(Outbox.kind == kind, Outbox.delivered_at.is_(None), Outbox.due_at > now)
    return session.scalar(waiting) or 0
