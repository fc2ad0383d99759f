"""The negative messages still to handle, in the CM's home view."""

from __future__ import annotations

from sqlalchemy import func, select

from handlers.core.i18n import number, translator
from handlers.core.messages import Button, Md
from handlers.core.work import UnitOfWork
from handlers.moderation.cards import OPEN
from handlers.moderation.tables import ModerationEntry, ModerationEvent


def show_to_handle(uow: UnitOfWork, user_id: str, lang: str, cm: bool) -> tuple[Md, list[Button]] | None:
    if not cm:
        return None
    _ = translator(lang)
    with uow.reading() as s:
        count = s.scalar(select(func.count()).select_from(ModerationEntry).where(ModerationEntry.handling.in_(OPEN)))
    said = _("{n} to handle (/cm log list open)").format(n=number(count or 0, lang))
    return Md.of("**{h}**\n{v}", h=_("Negative messages"), v=said), []


def to_handle_version(uow: UnitOfWork) -> str:
    with uow.reading() as s:
        entry, event = s.scalar(select(func.max(ModerationEntry.id))), s.scalar(select(func.max(ModerationEvent.id)))
    return f"{entry or 0}.{event or 0}"
