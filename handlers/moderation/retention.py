"""Authors of negative messages are personal data: after the retention period
(or at once on request) their names and links are removed; counts and handling stay."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from handlers.core.context import Deps
from handlers.core.text import fold
from handlers.core.uow import UnitOfWork
from handlers.moderation import delivery
from storage.models import ModerationEntry


def _anonymize(deps: Deps, which: ColumnElement[bool], why: str) -> int:
    now = deps.clock()
    with UnitOfWork(deps) as uow:
        s = uow.session
        ids = list(
            s.scalars(
                select(ModerationEntry.id).where(
                    which, or_(ModerationEntry.author.is_not(None), ModerationEntry.link.is_not(None))
                )
            )
        )
        if not ids:
            return 0
        s.execute(
            update(ModerationEntry)
            .where(ModerationEntry.id.in_(ids))
            .values(author=None, link=None, anonymized_at=now, anonymized_why=why)
        )
        # the cards in the CM channel show the author too: update them
        posted = s.scalars(
            select(ModerationEntry.id).where(ModerationEntry.id.in_(ids), ModerationEntry.queue_message_id.is_not(None))
        )
        uow.send(*(delivery.update_card(i, f"anonymized:{now.isoformat()}") for i in posted))
    return len(ids)


def expire(deps: Deps, days: int) -> int:
    """The daily job: entries seen more than `days` ago lose their author and link."""
    now = deps.clock()
    return _anonymize(deps, ModerationEntry.seen_at < now - timedelta(days=days), "retention")


def forget_author(deps: Deps, name: str) -> int:
    """`relais forget --author NAME`: a person asked to be forgotten. Case, accents and
    extra spaces do not matter: "jean  DUPONT" finds "Jean Dupont"."""
    wanted = fold(" ".join(name.split()))
    with deps.db() as s:
        authors = s.execute(
            select(ModerationEntry.id, ModerationEntry.author).where(ModerationEntry.author.is_not(None))
        )
        ids = [i for i, author in authors if wanted and fold(" ".join((author or "").split())) == wanted]
    return _anonymize(deps, ModerationEntry.id.in_(ids), "request") if ids else 0
