"""A direct message to Relais that is not about the CM's role: one reply offering to
send it to the CM as news (the news form, prefilled with the message) or not. The
message waits in `team_state` under a key the buttons carry, so a long text is
never cut to fit a button."""

from __future__ import annotations

import uuid

from handlers.core.context import Request
from handlers.core.i18n import translator
from handlers.core.messages import Button, Md, Message
from handlers.core.tables import TeamState
from handlers.core.work import UnitOfWork
from handlers.news.form import news_form, prefilled
from handlers.news.linked import form_values

PREFIX = "draft:"  # with a uuid: 38 characters, team_state keys hold 40


def offer(uow: UnitOfWork, req: Request, text: str) -> bool:
    key = PREFIX + uuid.uuid4().hex
    with uow.writing() as s:
        s.add(TeamState(key=key, value=text))
    _ = translator(req.language)
    req.reply.reply(
        Message(
            text=Md.of(_("📨 Shall I send this to the CM as news? You can check it in the form first.")),
            actions=[
                Button("newsform.dm", _("Send to the CM as news"), key, "primary"),
                Button("newsform.no", _("No thanks"), key),
            ],
        )
    )
    return True


def choose(uow: UnitOfWork, req: Request, verb: str, key: str) -> None:
    """The offer's buttons: the prefilled form, or nothing sent (and the message forgotten)."""
    _ = translator(req.language)
    with uow.writing() as s:
        draft = s.get(TeamState, key) if key.startswith(PREFIX) else None
        text = draft.value if draft else None
        if draft is not None and verb == "no":
            s.delete(draft)
    if verb == "no":
        req.reply.reply(Message(text=Md.of(_("👍 Nothing was sent."))))
    elif text is None:
        req.reply.reply(Message(text=Md.of(_("This message is no longer kept; type /news to send your news."))))
    else:  # a link to a message in it opens the form from that message
        found = form_values(uow, req, text)
        initial, state = found if found is not None else (prefilled(text), "")
        req.reply.open_form(news_form(req.language, initial, state=state))
