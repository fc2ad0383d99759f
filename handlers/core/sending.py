"""Sending claimed outbox rows: each read back as its message type and handed to
that type's sender with a unit of work of its own; what the sender hands back
(further messages, where its cards are) is kept in the transaction that marks the
row delivered. A row the platform refuses is tried again after a back-off, and
after MAX_ATTEMPTS the admins get one DM about it. The caller makes the units of
work (`work`), so this module imports none and the SQL one can send through it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, update

from handlers.core.deps import Deps
from handlers.core.outgoing import Outgoing, Owed, Sending, Sent
from handlers.core.owing import add
from handlers.core.ports import ChatError
from handlers.core.tables import Outbox, PostedCard
from handlers.core.work import UnitOfWork
from storage.models import table_of

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


def send_rows(deps: Deps, rows: list[Outbox], work: Callable[[Deps], UnitOfWork]) -> set[int]:
    """Send rows already claimed; the ids delivered, follow-ups included."""
    done: set[int] = set()
    for row in rows:
        try:
            sent = _send_one(deps, row, work(deps))
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
        done |= send_rows(deps, more, work) if more else set()
    return done


def _send_one(deps: Deps, row: Outbox, uow: UnitOfWork) -> Sent:
    """The row read back as its message type, handed to that type's sender."""
    sender = deps.features.senders[row.kind]
    message = sender.message.read(row.payload)
    return sender.send(uow, message, Sending(row.dedupe_key, row.attempts)) or Sent()


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
