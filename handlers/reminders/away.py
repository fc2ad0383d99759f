"""`/cm away until <date>` and `/cm away off`: while every CM is away, what would go to
the CM (digest, nudges, onboarding) goes to the admins, and the call for news says
when the CM is back. The date is the last day away."""

from __future__ import annotations

from datetime import date

from handlers.core.context import Request, person
from handlers.core.dates import read_date, write_day_in_full
from handlers.core.i18n import translator
from handlers.core.messages import Md, Message
from handlers.core.work import UnitOfWork


def _set(uow: UnitOfWork, req: Request, until: date | None) -> bool:
    """Sets the person's last day away; returns whether they were away until then."""
    with uow.writing():
        who = person(uow.session, req.user_id)
        was_away = who.away_until is not None and who.away_until >= uow.today()
        who.away_until = until
    return was_away


def off(uow: UnitOfWork, req: Request, _args: str) -> None:
    _ = translator(req.language)
    was_away = _set(uow, req, None)
    back = _("👋 Welcome back: what is for the CM comes to you again.")
    req.reply.reply(Message(text=Md.of(back if was_away else _("ℹ️ You were not away: nothing changed."))))


def usage(uow: UnitOfWork, req: Request, _args: str) -> None:
    _ = translator(req.language)
    req.reply.reply(Message(text=Md.of(_("Type /cm away until <date> (your last day away), or /cm away off."))))


def until(uow: UnitOfWork, req: Request, typed: str) -> None:
    _ = translator(req.language)
    if not typed:
        usage(uow, req, typed)
        return
    until, problem = read_date(typed, uow.team.timezone, req.language, uow.today())
    if until is None:
        req.reply.reply(Message(text=Md.of("⚠️ {p}", p=problem)))
        return
    _set(uow, req, until)
    text = _(
        "🏖️ Noted: you are away until {day} included. Meanwhile the digest and reminders for the CM go to the "
        "admins, and the call for news says when you are back. /cm away off when you return early."
    ).format(day=write_day_in_full(until, req.language))
    req.reply.reply(Message(text=Md.of(text)))
