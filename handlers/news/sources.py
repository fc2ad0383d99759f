"""News sent on from someone's message: who wrote it and the link that opens it,
carried by the news form's state and looked up when the form is sent (the form
opens at once; the platform is asked for the link only then)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from handlers.core.ports import ChatError, MessageRef
from handlers.core.registry import Quoted
from handlers.core.work import UnitOfWork


@dataclass(frozen=True)
class Source:
    author: str | None
    link: str | None


def state_of(quoted: Quoted, *, link: str = "") -> str:
    """`link`: the message's address as the person pasted it, kept rather than asked for."""
    return json.dumps({"author": quoted.author, "channel": quoted.channel, "message": quoted.message_id, "link": link})


def read(uow: UnitOfWork, state: str) -> Source | None:
    """The message a news form was opened from; its link if the platform gives one
    (if it cannot now, the news is kept without it rather than refused)."""
    try:
        given = json.loads(state) if state.startswith("{") else {}
    except ValueError:
        given = {}
    if not isinstance(given, dict) or not given.get("message"):
        return None
    link = str(given.get("link") or "") or None
    try:
        link = link or uow.chat.permalink(MessageRef(str(given.get("channel", "")), str(given["message"])))
    except ChatError:
        link = None
    return Source(author=str(given.get("author") or "") or None, link=link)
