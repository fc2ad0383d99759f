"""Authors of negative messages are personal data: after the retention period
(or at once on request) their names and links are removed; counts and handling stay."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from handlers.core import outbox
from handlers.core.context import Deps
from storage.models import ModerationEntry, SeenDelivery


def _anonymize(deps: Deps, which: ColumnElement[bool]) -> int:
    now = datetime.now(timezone.utc)
    with deps.db.begin() as s:
        ids = list(s.scalars(select(ModerationEntry.id).where(which, or_(ModerationEntry.author.is_not(None), ModerationEntry.link.is_not(None)))))
        if not ids:
            return 0
        s.execute(update(ModerationEntry).where(ModerationEntry.id.in_(ids)).values(author=None, link=None, anonymized_at=now))
        # the cards in the CM channel show the author too: update them
        posted = s.scalars(select(ModerationEntry.id).where(ModerationEntry.id.in_(ids), ModerationEntry.queue_message_id.is_not(None)))
        rows = [outbox.enqueue(s, "moderation_update", entry_id=i).id for i in posted]
    outbox.deliver(deps, rows)
    return len(ids)


def expire(deps: Deps, days: int) -> int:
    """The daily job: entries seen more than `days` ago lose their author and link;
    the ids of platform deliveries kept against retries are dropped after a week."""
    now = datetime.now(timezone.utc)
    with deps.db.begin() as s:
        s.execute(delete(SeenDelivery).where(SeenDelivery.at < now - timedelta(days=7)))
    return _anonymize(deps, ModerationEntry.seen_at < now - timedelta(days=days))


def forget_author(deps: Deps, name: str) -> int:
    """`relais forget --author NAME`: a person asked to be forgotten; case does not matter."""
    return _anonymize(deps, func.lower(ModerationEntry.author) == name.strip().lower())
