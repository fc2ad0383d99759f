"""`/cm help`, `/cm language`, and the answer to anything Relais does not understand."""

from __future__ import annotations

from handlers.core.context import Request, person
from handlers.core.i18n import LANGUAGES, translator
from handlers.core.messages import Md, Message
from handlers.core.registry import Command, Registry
from handlers.core.work import UnitOfWork


def help_message(features: Registry, cm: bool, lang: str, unknown: str = "") -> Message:
    _ = translator(lang)
    listed = [c for c in features.commands if c.listed and (c.access.public or cm)]
    listed.sort(key=lambda c: not c.access.public)  # stable: what anyone can do first, in feature order
    text = Md.join([_line(c, lang) for c in listed])
    if unknown:
        text = Md.of("{w}\n\n{l}", w=Md.of(_("I do not know “{cmd}”. Here is what I can do:"), cmd=unknown), l=text)
    return Message(title=_("Relais — commands"), text=text)


def _line(command: Command, lang: str) -> Md:
    """`/cm charter [moderation|speaking]` (or `/cm charte`) — what it does (CM)."""
    _ = translator(lang)
    said = _(command.help) + ("" if command.access.public else " " + _("(CM)"))
    alias = next(iter(command.aliases.get(lang, ())), "")
    if not alias:
        return Md.of("• `{u}` — {w}", u=command.usage(_), w=said)
    top = command.path.split()[0]
    return Md.of("• `{u}` ({o}) — {w}", u=command.usage(_), o=Md.of(_("or `{alias}`"), alias=f"/{top} {alias}"), w=said)


def show(req: Request, features: Registry, unknown: str = "") -> None:
    req.reply.reply(help_message(features, req.cm, req.language, unknown))


def set_language(uow: UnitOfWork, req: Request, choice: str) -> None:
    choice = choice.strip().casefold()
    if choice not in LANGUAGES:
        _ = translator(req.language)
        req.reply.reply(Message(text=Md.of(_("Please choose fr or en, e.g. /cm language en."))))
        return
    with uow.writing() as s:
        person(s, req.user_id).language = choice
    _ = translator(choice)
    req.reply.reply(Message(text=Md.of(_("✅ From now on I will speak English to you."))))
