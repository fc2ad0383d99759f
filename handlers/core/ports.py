"""What handlers ask of a platform. Adapters implement these; handlers never
look behind them (errbot's Backend, zulip's AbstractBotHandler)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from handlers.core.messages import Form, Message


class ChatError(Exception):
    """The platform refused or did not answer; what we wrote stays in the outbox."""


@dataclass(frozen=True)
class MessageRef:
    channel: str
    message_id: str


@dataclass(frozen=True)
class Quoted:
    """A message a person sent on to Relais from its menu (a Slack message shortcut, a
    Mattermost permalink),
    as plain text with its links as they were written, and where it was."""

    text: str
    author: str
    channel: str
    message_id: str


class Chat(Protocol):
    """Calls that reach channels and people; used by requests and scheduled jobs alike."""

    def post(self, channel: str, message: Message, *, thread: MessageRef | None = None) -> MessageRef: ...

    def update(self, ref: MessageRef, message: Message) -> None: ...

    def dm(self, user_id: str, message: Message) -> MessageRef: ...

    def publish_home(self, user_id: str, message: Message) -> None:
        """The person's home tab, where the platform has one (Slack's App Home); else nothing."""
        ...

    def can_post(self, channel: str) -> bool:
        """Whether Relais is in this channel, so a reminder can be refused when it is set,
        not fail when it falls due. Raises ChatError if the platform does not answer."""
        ...

    def upload(
        self, channel: str, *, filename: str, content: bytes, title: str, thread: MessageRef | None = None
    ) -> None: ...

    def permalink(self, ref: MessageRef) -> str | None:
        """A link to a message that opens it on the platform, or None when there is none
        (the console). Raises ChatError if the platform does not answer."""
        ...

    def message_at(self, link: str) -> Quoted | None:
        """The message a link of this platform points to (a Mattermost permalink), or None
        when the link is not one. Raises ChatError when it is one Relais cannot read."""
        ...

    def person(self, typed: str) -> str | None:
        """The platform id of the person a form names (a picker's id as it is; a name typed
        in the console, with or without its @), or None when there is no such person."""
        ...

    def reply_to(self, user_id: str, where: dict[str, str]) -> Reply:
        """A way to answer a request taken up again from the inbox (`where`: what the
        adapter stored, such as a response_url); a DM where nothing else is left."""
        ...


class Reply(Protocol):
    """Answers to the person who made the current request, and only to them."""

    def reply(self, message: Message) -> None: ...

    def open_form(self, form: Form) -> None: ...
