"""A link to a message of the platform (a Mattermost permalink) pasted in `/news` or
in a direct message: the news form opens prefilled from that message, with its
author and the link kept on the card. A message Relais cannot read keeps the link
as it was typed, and the person is told why it was not expanded."""

from __future__ import annotations

import re

from handlers.core.context import Request
from handlers.core.i18n import translator
from handlers.core.messages import Md, Message
from handlers.core.ports import ChatError, Quoted
from handlers.core.work import UnitOfWork
from handlers.news.form import prefilled
from handlers.news.sources import state_of

_LINK = re.compile(r"https?://\S+")


def linked(uow: UnitOfWork, text: str) -> tuple[Quoted | None, str, str]:
    """(the message a link of the text points to, that link, a link that could not be read)."""
    for link in _LINK.findall(text):
        try:
            quoted = uow.chat.message_at(link)
        except ChatError:
            return None, "", link
        if quoted is not None:
            return quoted, link, ""
    return None, "", ""


def form_values(uow: UnitOfWork, req: Request, text: str) -> tuple[dict[str, str], str] | None:
    """The news form's first values and state for a text holding a message link; None
    when it holds none (or one that cannot be read: the person is told, the text kept)."""
    quoted, link, unreadable = linked(uow, text)
    if unreadable:
        _ = translator(req.language)
        said = _("⚠️ I could not read the message behind {link} (Relais is not in its channel, or it was deleted); "
                 "your news keeps the link as you typed it.")  # fmt: skip
        req.reply.reply(Message(text=Md.of(said, link=unreadable)))
    if quoted is None:
        return None
    values = prefilled(quoted.text)
    typed = text.replace(link, "").strip()
    if typed:  # the words written with the link come first, as they were typed
        values["body"] = "\n\n".join(part for part in (typed, values["body"]) if part)
    return values, state_of(quoted, link=link)
