"""Everything Relais sends, once. A use case writes a row in its own transaction
(`uow.queue`); after the commit it asks for an immediate attempt (`deliver`), and
each instance's ticker delivers whatever is due. A row is claimed before its
platform call — `FOR UPDATE SKIP LOCKED` on PostgreSQL, a compare-and-set on
SQLite — so two instances, a retry and a restart never send it twice; sending.py
sends them. A row that keeps failing stops after MAX_ATTEMPTS and the admins get
one DM about it.

This module knows no feature: each one declares the senders of its message types.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session

from handlers.core import rows
from handlers.core.deps import Deps
from handlers.core.i18n import translator
from handlers.core.messages import Md, Message
from handlers.core.once import claim
from handlers.core.outgoing import Sending
from handlers.core.owing import CLAIM
from handlers.core.sending import MAX_ATTEMPTS, GaveUp, send_rows
from handlers.core.tables import Outbox
from handlers.core.uow import SqlUnitOfWork
from handlers.core.work import UnitOfWork

log = logging.getLogger(__name__)


def _claimable(now: datetime) -> Any:
    return and_(
        Outbox.delivered_at.is_(None),
        Outbox.failed_at.is_(None),
        Outbox.due_at <= now,
        or_(Outbox.claimed_until.is_(None), Outbox.claimed_until < now),
    )


def _claim(deps: Deps, ids: list[int] | None, limit: int) -> list[Outbox]:
    now = deps.clock()
    query = select(Outbox).where(_claimable(now)).order_by(Outbox.due_at, Outbox.id).limit(limit)
    if ids is not None:
        query = query.where(Outbox.id.in_(ids))
    return claim(deps, query, _claimable(now), lambda _row: {"claimed_until": now + CLAIM})


def deliver(deps: Deps, ids: list[int] | None = None, limit: int = 100) -> set[int]:
    """Claim the given rows (or every due one) and send them now; returns the ids delivered."""
    if ids == []:
        return set()
    return send_rows(deps, _claim(deps, ids, limit), SqlUnitOfWork)


def next_due(deps: Deps) -> datetime | None:
    """When the next row not yet due comes due: the ticker wakes for it when that is
    sooner than its next tick (a spaced burst, one a second)."""
    now = deps.clock()
    waiting = and_(Outbox.delivered_at.is_(None), Outbox.failed_at.is_(None), Outbox.due_at > now)
    with deps.db() as s:
        return s.scalar(select(func.min(Outbox.due_at)).where(waiting))


def send_gave_up(uow: UnitOfWork, gave_up: GaveUp, _sending: Sending) -> None:
    _ = translator(uow.language(gave_up.user))
    text = Md.of(
        _(
            "⚠️ Relais gave up sending a message ({kind}, #{row}) after {n} attempts. The platform said: {error}\n"
            "Check the channel ids and the bot's access in the settings; this message will not be tried again."
        ),
        kind=gave_up.kind_given_up,
        row=gave_up.row,
        n=MAX_ATTEMPTS,
        error=gave_up.error,
    )
    uow.chat.dm(gave_up.user, Message(text=text, fallback=_("A message could not be delivered.")))


def health(deps: Deps) -> dict[str, int]:
    """For /healthz: rows due now, rows failing (retrying), rows given up."""
    with deps.db() as s:
        return rows.outbox_health(s, deps.clock())


def prune(session: Session, now: datetime, keep: timedelta = timedelta(days=90)) -> None:
    """Rows delivered long ago go; their keys are no longer needed to send anything once."""
    session.execute(delete(Outbox).where(Outbox.delivered_at < now - keep))
