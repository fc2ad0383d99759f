"""An answer the platform did not take is not lost. While Slack's or Mattermost's API
cannot be reached (or refuses), what a request answers is queued as a direct message
for when it is back; a form that could not open (its trigger lives about 3 s) is kept
and offered back with a button that opens it again, prefilled as it was."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, is_dataclass
from typing import Any

from handlers.core.context import Request
from handlers.core.deps import Deps
from handlers.core.i18n import translator
from handlers.core.messages import Button, Field, Form, Md, Message, Option, UserRef
from handlers.core.outgoing import Outgoing, Owed, Sending
from handlers.core.owing import add
from handlers.core.ports import ChatError, Reply
from handlers.core.tables import TeamState
from handlers.core.work import UnitOfWork

REOPEN = "core.reopen"
PREFIX = "form:"  # with the inbox row's id
_TYPES: dict[str, type] = {t.__name__: t for t in (Message, Md, UserRef, Button, Form, Field, Option)}


def to_data(value: Any) -> Any:
    """A message or a form as JSON data, to wait in the outbox or in team_state."""
    if is_dataclass(value) and not isinstance(value, type):
        return {"$": type(value).__name__, **{f.name: to_data(getattr(value, f.name)) for f in fields(value)}}
    if isinstance(value, list | tuple):
        return [to_data(v) for v in value]
    if isinstance(value, dict):
        return {"$values": {k: to_data(v) for k, v in value.items()}}
    return value


def from_data(data: Any) -> Any:
    if isinstance(data, list):
        return [from_data(v) for v in data]
    if isinstance(data, dict):
        if "$values" in data:
            return {k: from_data(v) for k, v in data["$values"].items()}
        return _TYPES[data["$"]](**{k: from_data(v) for k, v in data.items() if k != "$"})
    return data


@dataclass(frozen=True)
class KeptAnswer(Outgoing, kind="core.kept_answer"):
    """An answer the platform did not take, sent again by DM; `message` is `to_data`'s."""

    user: str
    message: dict[str, Any]


class KeptReply:
    """The request's own way of answering, and when the platform fails it, the outbox.
    Keys come from the inbox row: a replay of the same request queues nothing twice."""

    def __init__(self, deps: Deps, row_id: int, user_id: str, inner: Reply) -> None:
        self.deps, self.row_id, self.user_id, self.inner, self.count = deps, row_id, user_id, inner, 0

    def reply(self, message: Message) -> None:
        try:
            self.inner.reply(message)
        except ChatError:
            self._later(message)

    def open_form(self, form: Form) -> None:
        try:
            self.inner.open_form(form)
        except ChatError:
            self._keep(form)

    def _later(self, message: Message) -> None:
        self.count += 1
        answer = KeptAnswer(self.user_id, to_data(message))
        with self.deps.db.begin() as s:  # outside the use case's unit of work: its transaction may be over
            add(s, [Owed(answer, f"kept:{self.row_id}:{self.count}")], self.deps.clock(), claim=False)

    def _keep(self, form: Form) -> None:
        key = f"{PREFIX}{self.row_id}"  # the same request keeps its form once; team_state keys hold 40
        with self.deps.db.begin() as s:
            if s.get(TeamState, key) is None:
                s.add(TeamState(key=key, value=json.dumps(to_data(form), ensure_ascii=False)))
        _ = translator(form.language)
        text = _("⏳ Your form “{title}” could not open: the platform did not answer in time. It is kept as it "
                 "was: open it again with this button.")  # fmt: skip
        self._later(Message(text=Md.of(text, title=form.title), actions=[Button(REOPEN, _("Open the form"), key)]))


def send_kept_answer(uow: UnitOfWork, answer: KeptAnswer, _sending: Sending) -> None:
    uow.chat.dm(answer.user, from_data(answer.message))


def reopen(uow: UnitOfWork, req: Request, _verb: str, key: str) -> None:
    """The kept form, opened from this click's own trigger."""
    with uow.reading() as s:
        kept = s.get(TeamState, key) if key.startswith(PREFIX) else None
        data = json.loads(kept.value) if kept is not None else None
    if data is None:
        _ = translator(req.language)
        req.reply.reply(Message(text=Md.of(_("This form is no longer kept; please start again."))))
        return
    req.reply.open_form(from_data(data))
