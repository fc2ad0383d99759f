"""`/cm away until <date>` and `/cm away off`: while every CM is away, what would go to
the CM (digest, nudges, onboarding) goes to the admins, and the call for news says
when the CM is back. The date is the last day away."""

from __future__ import annotations

from datetime import date

from handlers.core.context import Deps, Request, person
from handlers.core.dates import read_date, said
from handlers.core.i18n import translator
from handlers.core.messages import Md, Message
from handlers.core.uow import UnitOfWork


def _set(deps: Deps, req: Request, until: date | None) -> bool:
    """Sets the person's last day away; returns whether they were away until then."""
    with UnitOfWork(deps, req) as uow:
        who = person(uow.session, req.user_id)
        was_away = who.away_until is not None and who.away_until >= deps.today()
        who.away_until = until
    return was_away


def command(deps: Deps, req: Request, rest: str) -> None:
    _ = translator(req.language)
    words = rest.split(None, 1)
    verb = words[0].casefold() if words else ""
    if verb in ("off", "fin", "retour"):
        was_away = _set(deps, req, None)
        back = _("👋 Welcome back: what is for the CM comes to you again.")
        req.reply.reply(Message(text=Md.of(back if was_away else _("ℹ️ You were not away: nothing changed."))))
        return
    if verb not in ("until", "jusqu'au", "jusqu’au", "au") or len(words) < 2:
        req.reply.reply(Message(text=Md.of(_("Type /cm away until <date> (your last day away), or /cm away off."))))
        return
    until, problem = read_date(words[1], deps.team.timezone, req.language, deps.today())
    if until is None:
        req.reply.reply(Message(text=Md.of("⚠️ {p}", p=problem)))
        return
    _set(deps, req, until)
    text = _(
        "🏖️ Noted: you are away until {day} included. Meanwhile the digest and reminders for the CM go to the "
        "admins, and the call for news says when you are back. /cm away off when you return early."
    ).format(day=said(until, req.language))
    req.reply.reply(Message(text=Md.of(text)))
