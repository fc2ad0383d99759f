"""The console's Chat port: each channel and DM printed as it would show, with
the buttons numbered so they can be pressed (console.py reads the keyboard)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from handlers.core.i18n import translator
from handlers.core.messages import Button, Form, Markup, Message
from handlers.core.ports import MessageRef, Quoted

PLAIN = Markup(escape=lambda s: s, mention=lambda user_id: f"@{user_id}", bold="", code_marks=False)
QUEUE = "cm-queue"
TEAM = "team"
CM, ADMIN = "cm", "admin"


def colon(language: str) -> str:
    """A label's colon as the language writes it: French puts a narrow no-break space before it."""
    return "\u202f: " if language == "fr" else ": "


class Screen:
    """What the person at the keyboard sees, and the buttons they can press by number."""

    def __init__(self, out: TextIO, language: str = "en") -> None:
        self.out = out
        self.lock = threading.RLock()  # the ticker prints from its own thread
        self.buttons: dict[int, Button] = {}
        self.messages = 0
        self.colon = colon(language)
        self.waiting: str | None = None  # the prompt the keyboard is at, while it waits for a line
        self.typed: Callable[[], str] = lambda: ""  # what is typed on that line so far (readline's buffer)

    def show(self, where: str, message: Message) -> None:
        with self.lock:
            self._show(where, message)

    def _show(self, where: str, message: Message) -> None:
        lines = [f"── {where} ──"]
        if message.title:
            lines.append(message.title)
        if message.text:
            lines.append(PLAIN.render(message.text))
        lines += [f"  {label}{self.colon}{PLAIN.render(value)}" for label, value in message.fields]
        if message.context:
            lines.append(PLAIN.render(message.context))
        if message.actions:
            choices = []
            for button in message.actions:
                number = len(self.buttons) + 1
                self.buttons[number] = button
                choices.append(f"[{number}] {button.label}")
            lines.append("   ".join(choices))
        again = self.waiting is not None  # a message printed while the person types: the prompt is shown again
        print(("\n" if again else "") + "\n".join(lines) + "\n", file=self.out)
        if again:
            print(f"{self.waiting}{self.typed()}", end="", file=self.out, flush=True)


class ConsoleChat:
    def __init__(self, screen: Screen, language: str, people: set[str] | None = None) -> None:
        self.screen, self.language = screen, language
        self.people = people if people is not None else {"leader", CM, ADMIN}
        self._ = translator(language)

    def post(self, channel: str, message: Message, *, thread: MessageRef | None = None) -> MessageRef:
        with self.screen.lock:
            self.screen.messages += 1
            number = self.screen.messages
            where = self._place(channel) + " · " + self._("message {n}").format(n=number)
            if thread:
                where += " · " + self._("reply to message {n}").format(n=thread.message_id)
            self.screen.show(where, message)
        return MessageRef(channel, str(number))

    def update(self, ref: MessageRef, message: Message) -> None:
        where = self._place(ref.channel) + " · " + self._("message {n} (updated)").format(n=ref.message_id)
        self.screen.show(where, message)

    def dm(self, user_id: str, message: Message) -> MessageRef:
        return self.post(f"@{user_id}", message)

    def publish_home(self, user_id: str, message: Message) -> None:
        """The console has no home tab: /cm home shows the same."""

    def permalink(self, ref: MessageRef) -> str | None:
        return None  # the console's messages have no address

    def message_at(self, link: str) -> Quoted | None:
        return None

    def person(self, typed: str) -> str | None:
        """Anyone who has been at this keyboard (`/as`) or has a role, typed as `@cm` or `cm`."""
        name = typed.strip().lstrip("@").casefold()
        return name if name in self.people else None

    def can_post(self, channel: str) -> bool:
        return True  # every channel of the console is Relais's

    def upload(
        self, channel: str, *, filename: str, content: bytes, title: str, thread: MessageRef | None = None
    ) -> None:
        """Files land in the current folder, where the person can open them."""
        Path(filename).write_bytes(content)
        print(f"── #{channel} ── 📎 {title}{self.screen.colon}{Path(filename).resolve()}\n", file=self.screen.out)

    def reply_to(self, user_id: str, where: dict[str, str]) -> ConsoleReply:
        return ConsoleReply(self.screen, user_id, lambda: self.language)

    def _place(self, channel: str) -> str:
        return self._("private message to {user}").format(user=channel) if channel.startswith("@") else f"#{channel}"


class ConsoleReply:
    def __init__(self, screen: Screen, user_id: str, language: Callable[[], str]) -> None:
        self.screen, self.user_id, self.language = screen, user_id, language
        self.forms: list[Form] = []

    def reply(self, message: Message) -> None:
        _ = translator(self.language())  # asked now: `/cm language en` answers under an English header
        self.screen.show(_("only @{user} sees this").format(user=self.user_id), message)

    def open_form(self, form: Form) -> None:
        self.forms.append(form)  # asked once the current command is done
