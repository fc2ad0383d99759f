"""What a person sent, out of the platform's format: the one shape adapters build,
the inbox stores and the router reads. Each kind is a class; `payload()` is what
the inbox row keeps (its keys are those of rows written before this module
existed, so a replay reads them too) and `stored()` reads it back."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar


@dataclass(frozen=True)
class Inbound:
    user_id: str
    channel: str = ""
    reply: dict[str, str] = field(default_factory=dict)  # how the adapter answers this person (response_url…)
    kind: ClassVar[str] = ""

    def payload(self) -> dict[str, Any]:
        return asdict(self)

    def typed(self) -> str:
        """What the person typed, given back to copy when it could not be taken."""
        return ""

    @staticmethod
    def stored(kind: str, payload: dict[str, Any]) -> Inbound:
        """The request an inbox row holds; unknown keys (an older row's extras) are left out."""
        cls = KINDS[kind]
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in payload.items() if k in names}
        values["user_id"] = str(values.get("user_id", ""))
        values["reply"] = dict(values.get("reply") or {})
        return cls(**values)


@dataclass(frozen=True)
class Command(Inbound):
    """`/name text`: `name` without its slash (`news`, `cm`)."""

    name: str = ""
    text: str = ""
    kind: ClassVar[str] = "command"

    def typed(self) -> str:
        return typed_command(self.name, self.text)


@dataclass(frozen=True)
class Click(Inbound):
    action_id: str = ""
    value: str = ""
    kind: ClassVar[str] = "action"


@dataclass(frozen=True)
class Submission(Inbound):
    """A form sent, its values already checked by the form's validator."""

    form_id: str = ""
    values: dict[str, str] = field(default_factory=dict)
    state: str = ""
    kind: ClassVar[str] = "form"

    def typed(self) -> str:
        return typed_values(self.values)


@dataclass(frozen=True)
class HomeOpened(Inbound):
    kind: ClassVar[str] = "home"


@dataclass(frozen=True)
class Mention(Inbound):
    """The bot named in a channel: answered in `thread`."""

    thread: str = ""
    text: str = ""
    kind: ClassVar[str] = "mention"


@dataclass(frozen=True)
class DirectMessage(Inbound):
    """A message to Relais in a direct conversation (not a command)."""

    text: str = ""
    kind: ClassVar[str] = "dm"

    def typed(self) -> str:
        return self.text


@dataclass(frozen=True)
class Shortcut(Inbound):
    """A shortcut chosen from the platform's menus; on a message, that message (its text
    already plain, its author, where it is)."""

    callback_id: str = ""
    message_text: str = ""
    message_author: str = ""
    message_id: str = ""
    kind: ClassVar[str] = "shortcut"


def typed_command(name: str, text: str) -> str:
    """A command as the person typed it; nothing when it had no text of theirs."""
    return f"/{name} {text}" if text.strip() else ""


def typed_values(values: dict[str, str]) -> str:
    """A form's fields as the person typed them, one paragraph each."""
    return "\n\n".join(v.strip() for v in values.values() if v.strip())


KINDS: dict[str, type[Inbound]] = {
    c.kind: c for c in (Command, Click, Submission, HomeOpened, Mention, DirectMessage, Shortcut)
}
