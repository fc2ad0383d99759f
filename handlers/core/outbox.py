"""Everything Relais sends, once. A use case writes a row in its own transaction
(`uow.queue`); after the commit it asks for an immediate attempt (`deliver`), and
each instance's ticker delivers whatever is due. A row is claimed before its
platform call — `FOR UPDATE SKIP LOCKED` on PostgreSQL, a compare-and-set on
SQLite — so two instances, a retry and a restart never send it twice. A row that
keeps failing stops after MAX_ATTEMPTS and the admins get one DM about it.

This module knows no feature: each one declares the senders of its message types.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, delete, func, or_, select, update

from handlers.core.context import Deps
from handlers.core.i18n import translator
from handlers.core.messages import Md, Message
from handlers.core.once import claim
from handlers.core.outgoing import Outgoing, Owed, Sending, Sent
from handlers.core.owing import CLAIM, add
from handlers.core.ports import ChatError
from handlers.core.registry import Registry
from handlers.core.uow import UnitOfWork
from storage.models import Outbox, PostedCard, table_of

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=1)
MAX_ATTEMPTS = 8  # 7 back-offs between 8 attempts: 30 s, 1, 2, 4, 8, 16, 32 minutes (about an hour)


@dataclass(frozen=True)
class GaveUp(Outgoing, kind="core.failed"):
    """To an admin: a message was given up after MAX_ATTEMPTS."""

    row: int
    kind_given_up: str
    error: str
    user: str

    def payload(self) -> dict[str, Any]:  # the row's own field is "kind", as rows queued before types
        return {"row": self.row, "kind": self.kind_given_up, "error": self.error, "user": self.user}

    @classmethod
    def read(cls, payload: dict[str, Any]) -> GaveUp:
        return cls(payload["row"], payload["kind"], payload["error"], payload["user"])


_OUTBOX = table_of(Outbox)
_SENT = (  # built once: every message ends here
    update(_OUTBOX)
    .where(_OUTBOX.c.id == bindparam("row"))
    .values(delivered_at=bindparam("now"), attempts=bindparam("attempts"))
)


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
    return _send(deps, _claim(deps, ids, limit))


def deliver_claimed(deps: Deps, rows: list[Outbox]) -> set[int]:
    """Send rows the caller added already claimed (a delivery's follow-ups)."""
    return _send(deps, rows) if rows else set()


def deliver_sent(uow: UnitOfWork) -> set[int]:
    """Send what a unit of work's committed transactions owe, now that nothing holds a
    lock; returns every id it delivered so far. Whoever handed the unit of work in calls
    it when the use case returns; a use case calls it first when its answer depends on it."""
    uow.delivered |= deliver_claimed(uow.deps, uow.take_sent())
    return uow.delivered


def _send(deps: Deps, rows: list[Outbox]) -> set[int]:
    done: set[int] = set()
    for row in rows:
        try:
            sent = _send_one(deps, row)
        except ChatError as exc:
            _failed(deps, row, str(exc))
            continue
        except Exception as exc:  # a bug must not stop the other deliveries
            log.exception("outbox row %s (%s) failed", row.id, row.kind)
            _failed(deps, row, repr(exc))
            continue
        with deps.db.begin() as s:
            s.execute(_SENT, {"row": row.id, "now": deps.clock(), "attempts": row.attempts + 1})
            s.add_all(PostedCard(kind=c.kind, item_id=c.item_id, channel=c.ref.channel, message_id=c.ref.message_id)
                      for c in sent.cards)  # fmt: skip
            more = [r for r in add(s, sent.more, deps.clock()) if r.claimed_until is not None]
        done.add(row.id)
        done |= deliver_claimed(deps, more)
    return done


def _send_one(deps: Deps, row: Outbox) -> Sent:
    """The row read back as its message type, handed to that type's sender."""
    sender = deps.features.senders[row.kind]
    message = sender.message.read(row.payload)
    return sender.send(UnitOfWork(deps), message, Sending(row.dedupe_key, row.attempts)) or Sent()


def _failed(deps: Deps, row: Outbox, error: str) -> None:
    attempts = row.attempts + 1
    now = deps.clock()
    give_up = attempts >= MAX_ATTEMPTS
    log.warning(
        "delivery %s (%s) failed, attempt %s%s: %s",
        row.id,
        row.kind,
        attempts,
        " — giving up" if give_up else "",
        error,
    )
    with deps.db.begin() as s:
        backoff = min(timedelta(seconds=15 * 2**attempts), MAX_BACKOFF)
        s.execute(
            update(Outbox)
            .where(Outbox.id == row.id)
            .values(
                attempts=attempts,
                last_error=error[:500],
                claimed_until=now + backoff,
                failed_at=now if give_up else None,
            )
        )
        if give_up and row.kind != GaveUp.kind:
            tell = (GaveUp(row.id, row.kind, error[:300], admin) for admin in sorted(deps.team.admin_users))
            add(s, [Owed(m, f"failed:{row.id}:{m.user}") for m in tell], now, claim=False)


def _tell_admin(uow: UnitOfWork, gave_up: GaveUp, _sending: Sending) -> None:
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


def register(reg: Registry) -> None:
    reg.sender(GaveUp, _tell_admin)


def health(deps: Deps) -> dict[str, int]:
    """For /healthz: rows due now, rows failing (retrying), rows given up."""
    now = deps.clock()
    pending = and_(Outbox.delivered_at.is_(None), Outbox.failed_at.is_(None))
    with deps.db() as s:

        def count(*where: Any) -> int:
            return s.scalar(select(func.count()).select_from(Outbox).where(*where)) or 0

        return {
            "due": count(pending, Outbox.due_at <= now),
            "failing": count(pending, Outbox.attempts > 0),
            "failed": count(Outbox.failed_at.is_not(None)),
        }


def prune(deps: Deps, keep: timedelta = timedelta(days=90)) -> None:
    """Rows delivered long ago go; their keys are no longer needed to send anything once."""
    with deps.db.begin() as s:
        s.execute(delete(Outbox).where(Outbox.delivered_at < deps.clock() - keep))
