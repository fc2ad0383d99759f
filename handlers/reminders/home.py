"""The CM's next reminders, in the home view."""

from __future__ import annotations

from sqlalchemy import func, select

from handlers.core.dates import write_day
from handlers.core.i18n import translator
from handlers.core.messages import Button, Md
from handlers.core.schedule import local_day
from handlers.core.work import UnitOfWork
from handlers.reminders.rhythm import next_at
from handlers.reminders.tables import Reminder

LIST_MAX = 5


def show_next(uow: UnitOfWork, user_id: str, lang: str, cm: bool) -> tuple[Md, list[Button]] | None:
    if not cm:
        return None
    now, tz = uow.clock(), uow.team.timezone
    with uow.reading() as s:
        live = list(s.scalars(select(Reminder).where(Reminder.owner_id == user_id, Reminder.deleted_at.is_(None))))
    due = sorted((at, r) for r in live if (at := next_at(r, uow, now)) is not None)[:LIST_MAX]
    if not due:
        return None
    _ = translator(lang)
    lines = [Md.of("• {d} — {t}", d=write_day(local_day(at, tz), lang), t=r.text.splitlines()[0][:80]) for at, r in due]
    return Md.of("**{h}**\n{l}", h=_("Your next reminders"), l=Md.join(lines)), []


def next_version(uow: UnitOfWork) -> str:
    with uow.reading() as s:
        latest = s.scalar(select(func.max(Reminder.id)))
        gone = s.scalar(select(func.count()).select_from(Reminder).where(Reminder.deleted_at.is_not(None)))
    return f"{latest or 0}.{gone or 0}"
