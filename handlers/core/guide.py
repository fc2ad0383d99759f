"""`/cm help`, `/cm language`, and the answer to anything Relais does not understand."""

from __future__ import annotations

from handlers.core.context import Deps, Request, person
from handlers.core.i18n import LANGUAGES, translator
from handlers.core.messages import Md, Message
from handlers.core.permissions import is_cm
from handlers.core.uow import UnitOfWork


def help_message(deps: Deps, user_id: str, lang: str, unknown: str = "") -> Message:
    _ = translator(lang)
    listed = [c for c in deps.features.commands if c.listed]
    listed.sort(key=lambda c: c.who != "anyone")  # stable: what anyone can do first, in feature order
    lines = [
        Md.of("• `{u}` — {w}", u=c.usage(_), w=_(c.help) + ("" if c.who == "anyone" else " " + _("(CM)")))
        for c in listed
        if c.who == "anyone" or is_cm(deps, user_id)
    ]
    text = Md.join(lines)
    if unknown:
        text = Md.of("{w}\n\n{l}", w=Md.of(_("I do not know “{cmd}”. Here is what I can do:"), cmd=unknown), l=text)
    return Message(title=_("Relais — commands"), text=text)


def show(deps: Deps, req: Request, unknown: str = "") -> None:
    req.reply.reply(help_message(deps, req.user_id, req.language, unknown))


def set_language(deps: Deps, req: Request, choice: str) -> None:
    choice = choice.strip().casefold()
    if choice not in LANGUAGES:
        _ = translator(req.language)
        req.reply.reply(Message(text=Md.of(_("Please choose fr or en, e.g. /cm language en."))))
        return
    with UnitOfWork(deps, req) as uow:
        person(uow.session, req.user_id).language = choice
    _ = translator(choice)
    req.reply.reply(Message(text=Md.of(_("✅ From now on I will speak English to you."))))
