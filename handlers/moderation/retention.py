"""Authors of negative messages are personal data: after the retention period
(or at once on request) their names and links are removed; counts and handling stay."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from handlers.core.cards import posted_among
from handlers.core.i18n import N_, number, translator
from handlers.core.registry import Forget, Setting, Terminal
from handlers.core.schedule import whole_number
from handlers.core.text import folded_name
from handlers.core.work import UnitOfWork
from handlers.moderation import delivery
from handlers.moderation.tables import ModerationEntry


def _anonymize(uow: UnitOfWork, which: ColumnElement[bool], why: str) -> int:
    now = uow.clock()
    with uow.writing():
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
        posted = posted_among(s, delivery.KIND, ids)
        uow.queue(*(delivery.update_card(i, f"anonymized:{now.isoformat()}") for i in posted))
    return len(ids)


def expire(uow: UnitOfWork, days: int) -> int:
    """The daily job: entries seen more than `days` ago lose their author and link."""
    now = uow.clock()
    return _anonymize(uow, ModerationEntry.seen_at < now - timedelta(days=days), "retention")


def forget_author(uow: UnitOfWork, name: str) -> int:
    """`relais forget --author NAME`: a person asked to be forgotten. Case, accents and
    extra spaces do not matter: "jean  DUPONT" finds "Jean Dupont"."""
    wanted = folded_name(name)
    with uow.reading() as s:
        authors = s.execute(
            select(ModerationEntry.id, ModerationEntry.author).where(ModerationEntry.author.is_not(None))
        )
        ids = [i for i, author in authors if wanted and folded_name(author or "") == wanted]
    return _anonymize(uow, ModerationEntry.id.in_(ids), "request") if ids else 0


RETENTION_DAYS = Setting(
    "MODERATION_RETENTION_DAYS",
    "365",
    whole_number(1),
    N_("authors and links of negative messages are removed after this many days"),
)


def forget_old(uow: UnitOfWork, _night: datetime) -> str:
    changed = expire(uow, RETENTION_DAYS.of(uow.team))
    return f"retention: removed the author and link of {changed} old moderation entries" if changed else ""


def forget_arguments(parser: argparse.ArgumentParser, _: Callable[[str], str]) -> None:
    parser.add_argument("--author", required=True, help=_("the name as it was logged (case and accents do not matter)"))


def forget_command(uow: UnitOfWork, args: argparse.Namespace, terminal: Terminal, others: Sequence[Forget]) -> int:
    """The log's entries, then what other features keep of the person (`Forget`): one line
    each with how many changed; the cards updated are sent before it returns."""
    _ = translator(uow.team.language)
    parts = [Forget(forget_author, N_("Entries that no longer show this author: {n}.")), *others]
    for part in parts:
        print(_(part.said).format(n=number(part.run(uow, args.author), uow.team.language)), file=terminal.out)
    return 0
