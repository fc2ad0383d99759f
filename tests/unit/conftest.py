"""Handler tests: a real database, and a recording chat instead of a platform."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from sqlalchemy import Engine

from handlers.core import outbox
from handlers.core.context import Request, Team
from handlers.core.deps import Deps
from handlers.core.messages import Form, Markup, Message
from handlers.core.ports import ChatError, MessageRef, Quoted
from handlers.core.uow import SqlUnitOfWork
from handlers.features import registry
from storage.db import make_sessions
from tests.conftest import TestClock

FEATURES = registry()  # declared once: every test reads the same declarations
NO_SCHEDULES = {s.name: None for s in FEATURES.settings if s.name.endswith("_SCHEDULE")}  # a test turns on its own

T = TypeVar("T")
PLAIN = Markup(escape=lambda s: s, mention=lambda uid: f"@{uid}", bold="")


def text_of(message: Message) -> str:
    """Everything a person would read in a message, as plain text."""
    parts = [message.title]
    if message.text:
        parts.append(PLAIN.render(message.text))
    parts += [f"{label}: {PLAIN.render(value)}" for label, value in message.fields]
    if message.context:
        parts.append(PLAIN.render(message.context))
    parts += [f"[{b.label}]" for b in message.actions]
    return "\n".join(p for p in parts if p)


@dataclass
class RecordingChat:
    """Records posts, updates and DMs; `down` makes it fail like an unreachable platform."""

    posts: list[tuple[str, Message, MessageRef | None]] = field(default_factory=list)
    updates: list[tuple[MessageRef, Message]] = field(default_factory=list)
    dms: list[tuple[str, Message]] = field(default_factory=list)
    uploads: list[tuple[str, str, bytes, MessageRef | None]] = field(default_factory=list)
    down: bool = False
    uploads_fail: bool = False
    outside: set[str] = field(default_factory=set)  # channels Relais is not in
    homes: list[tuple[str, Message]] = field(default_factory=list)
    messages: dict[str, Quoted] = field(default_factory=dict)  # posts a permalink can point to

    def _check(self) -> None:
        if self.down:
            raise ChatError("platform unreachable")

    def post(self, channel: str, message: Message, *, thread: MessageRef | None = None) -> MessageRef:
        self._check()
        self.posts.append((channel, message, thread))
        return MessageRef(channel, f"m{len(self.posts)}")

    def update(self, ref: MessageRef, message: Message) -> None:
        self._check()
        self.updates.append((ref, message))

    def dm(self, user_id: str, message: Message) -> MessageRef:
        self._check()
        self.dms.append((user_id, message))
        return MessageRef(f"D-{user_id}", f"dm{len(self.dms)}")

    def publish_home(self, user_id: str, message: Message) -> None:
        self._check()
        self.homes.append((user_id, message))

    def permalink(self, ref: MessageRef) -> str | None:
        return f"https://chat.example.org/{ref.channel}/p{ref.message_id}"

    def message_at(self, link: str) -> Quoted | None:
        """`https://chat.example.org/t/pl/<id>` of `messages`; `…/pl/secret` is unreadable."""
        if "/pl/" not in link:
            return None
        post = link.rsplit("/pl/", 1)[1]
        if post not in self.messages:
            raise ChatError("not readable: Relais is not in that channel")
        return self.messages[post]

    def person(self, typed: str) -> str | None:
        return typed.lstrip("@") or None

    def can_post(self, channel: str) -> bool:
        self._check()
        return channel not in self.outside

    def upload(
        self, channel: str, *, filename: str, content: bytes, title: str, thread: MessageRef | None = None
    ) -> None:
        self._check()
        if self.uploads_fail:
            raise ChatError("files.upload_v2: internal_error")
        self.uploads.append((channel, filename, content, thread))

    def reply_to(self, user_id: str, where: dict[str, str]) -> RecordingReply:
        return RecordingReply()


@dataclass
class RecordingReply:
    replies: list[Message] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)

    def reply(self, message: Message) -> None:
        self.replies.append(message)

    def open_form(self, form: Form) -> None:
        self.forms.append(form)

    @property
    def last(self) -> str:
        return text_of(self.replies[-1])


@pytest.fixture
def chat() -> RecordingChat:
    return RecordingChat()


@pytest.fixture
def deps(clean_engine: Engine, chat: RecordingChat) -> Deps:
    team = Team(
        queue_channel="C-QUEUE",
        team_channel="C-TEAM",
        language="en",
        cm_users=frozenset({"cm"}),
        admin_users=frozenset({"admin"}),
        settings=NO_SCHEDULES,
    )
    clock = TestClock()
    return Deps(db=make_sessions(clean_engine, clock), chat=chat, team=team, features=FEATURES, clock=clock)


def as_user(user_id: str) -> tuple[Request, RecordingReply]:
    reply = RecordingReply()
    return Request(user_id=user_id, reply=reply, channel_id="C-GENERAL"), reply


def done(use_case: Callable[..., T], deps: Deps, *args: Any) -> T:
    """A use case run as the CLI or the ticker runs it: handed its unit of work, then
    what it owes is sent."""
    uow = SqlUnitOfWork(deps)
    result = use_case(uow, *args)
    uow.deliver()
    return result


def paced(deps: Deps, seconds: int = 60) -> None:
    """What a round spaced (the watch's cards, one a second per channel) sent as each comes
    due: the test clock moved a second at a time, as the ticker's wake-ups would send it.
    What came due while the round ran goes first, as the ticker's own delivery sends it."""
    outbox.deliver(deps)
    for _ in range(seconds):
        if outbox.next_due(deps) is None:
            return
        deps.clock.advance(timedelta(seconds=1))  # type: ignore[attr-defined]
        outbox.deliver(deps)
