"""`/cm help`, `/cm language`, and the answer to anything Relais does not understand."""

from __future__ import annotations

from sqlalchemy import select

from handlers.core.context import Deps, Request
from handlers.core.i18n import LANGUAGES, N_, translator
from handlers.core.messages import Md, Message
from handlers.core.permissions import is_cm
from storage.models import User

COMMANDS: list[tuple[str, str, bool]] = [
    # (usage, what it does, CM only)
    ("/news <text>", N_("send a news item to the CM (first line = title)"), False),
    ("/news", N_("open the news form (category, date, links)"), False),
    ("/news mine", N_("your news and where they stand"), False),
    ("/cm role [question]", N_("what the CM does; ask whether something is part of it"), False),
    ("/cm language fr|en", N_("the language Relais speaks to you"), False),
    ("/cm charter [moderation|speaking]", N_("the moderation and speaking charters"), False),
    ("/cm topics", N_("the sensitive topics"), False),
    ("/cm recap [YYYY-Www]", N_("the moderation recap of a week (default: last week)"), False),
    ("/cm help", N_("this list"), False),
    ("/cm queue", N_("news waiting for a decision, oldest first"), True),
    ("/cm role edit", N_("edit the role charter"), True),
    ("/cm charter edit moderation|speaking", N_("edit a charter; /cm charter moderation history lists its versions"), True),
    ("/cm topics add Name: keyword, keyword", N_("add a sensitive topic (remove: /cm topics remove Name)"), True),
    ("/cm log", N_("log a negative message seen online"), True),
    ("/cm log list [open]", N_("the moderation log (open: still to handle)"), True),
]


def help_message(deps: Deps, user_id: str, lang: str, unknown: str = "") -> Message:
    _ = translator(lang)
    lines = [
        Md.of("• `{u}` — {w}", u=usage, w=_(what) + (" " + _("(CM)") if cm_only else ""))
        for usage, what, cm_only in COMMANDS
        if not cm_only or is_cm(deps, user_id)
    ]
    text = Md.join(lines)
    if unknown:
        text = Md.of("{w}\n\n{l}", w=Md.of(_("I do not know “{cmd}”. Here is what I can do:"), cmd=unknown), l=text)
    return Message(title=_("Relais — commands"), text=text)


def show(deps: Deps, req: Request, unknown: str = "") -> None:
    lang = deps.language(req.user_id)
    req.reply.reply(help_message(deps, req.user_id, lang, unknown))


def set_language(deps: Deps, req: Request, choice: str) -> None:
    choice = choice.strip().casefold()
    if choice not in LANGUAGES:
        _ = translator(deps.language(req.user_id))
        req.reply.reply(Message(text=Md.of(_("Please choose fr or en, e.g. /cm language en."))))
        return
    with deps.db.begin() as s:
        user = s.scalar(select(User).where(User.platform_id == req.user_id))
        if user is None:
            s.add(User(platform_id=req.user_id, language=choice))
        else:
            user.language = choice
    _ = translator(choice)
    req.reply.reply(Message(text=Md.of(_("✅ From now on I will speak English to you."))))
