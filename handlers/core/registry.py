"""What each feature declares once: its commands and sub-commands, buttons and
forms with who may use them, deliveries, recurring jobs, daily jobs, settings,
CLI sub-commands and the parts of the home view. The router, `/cm help`, the platform
listeners, the Mattermost autocomplete, the console help, the CLI, the settings
read at start, `.env.example` and `manifest.yml` are all read from here (or
checked against it by a test), so adding a feature is a folder under handlers/
and one line in handlers/features.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar

from handlers.core.context import Request
from handlers.core.declarations import (
    ButtonRun,
    ButtonSpec,
    CliCommand,
    Command,
    CommandRun,
    Cron,
    DirectAnswer,
    EveryTick,
    Exporter,
    FormSpec,
    HomePart,
    Importer,
    Job,
    MentionAnswer,
    Nightly,
    Send,
    Sender,
    Setting,
    SettingError,
    ShortcutSpec,
    Submitter,
    Terminal,
    Validator,
    Who,
)
from handlers.core.i18n import N_
from handlers.core.outgoing import KINDS, Outgoing, Owed, Sending, Sent
from handlers.core.ports import Quoted
from handlers.core.work import UnitOfWork

__all__ = [  # what a feature declares with, from the one place it registers
    "ButtonSpec", "CliCommand", "Command", "CommandRun", "Cron", "EveryTick", "Exporter", "FormSpec", "HomePart",
    "Importer", "Job", "Nightly", "Outgoing", "Owed", "Quoted", "Registry", "Send", "Sending", "Sent", "Setting",
    "SettingError", "ShortcutSpec", "Submitter", "Terminal", "Validator", "Who",
]  # fmt: skip
M = TypeVar("M", bound=Outgoing)
CM_ONLY = N_("⛔ Only the CM and admins can use this command. Nothing was changed.")
ADMIN_ONLY = N_("⛔ Only the admins can use this command. Nothing was changed.")


@dataclass
class Registry:
    commands: list[Command] = field(default_factory=list)
    buttons: dict[str, ButtonSpec] = field(default_factory=dict)
    forms: dict[str, FormSpec] = field(default_factory=dict)
    senders: dict[str, Sender[Any]] = field(default_factory=dict)  # by message kind
    jobs: dict[str, Job] = field(default_factory=dict)
    settings: list[Setting[Any]] = field(default_factory=list)
    cli: list[CliCommand] = field(default_factory=list)
    exporters: dict[str, Exporter] = field(default_factory=dict)
    importers: dict[str, Importer] = field(default_factory=dict)
    home_parts: list[HomePart] = field(default_factory=list)
    mention_answer: MentionAnswer | None = None
    shortcuts: dict[str, ShortcutSpec] = field(default_factory=dict)
    directs: list[tuple[int, DirectAnswer]] = field(default_factory=list)  # (order, answer): first to answer wins
    homes: list[Callable[[UnitOfWork, Request], None]] = field(default_factory=list)
    descriptions: dict[str, str] = field(default_factory=dict)  # slash command -> what it is for

    def describe(self, slash_command: str, description: str) -> None:
        self.descriptions[slash_command] = description

    def command(
        self,
        path: str,
        run: CommandRun,
        help: str,
        *,
        args: str = "",
        who: Who = "anyone",
        aliases: tuple[str, ...] = (),
        refusal: str = "",
        listed: bool = True,
        open_ended: bool = False,
    ) -> None:
        self.commands.append(Command(path, run, help, args, who, aliases, refusal, listed, open_ended))

    def button(self, prefix: str, run: ButtonRun, *, who: Who = "anyone", refusal: str = "") -> None:
        self._unique(prefix, self.buttons)
        self.buttons[prefix] = ButtonSpec(prefix, run, who, refusal)

    def form(
        self, form_id: str, validate: Validator, submit: Submitter, *, who: Who = "anyone", refusal: str = ""
    ) -> None:
        self._unique(form_id, self.forms)
        self.forms[form_id] = FormSpec(form_id, validate, submit, who, refusal)

    def sender(self, message: type[M], send: Send[M]) -> None:
        """How `message` goes out: `send(uow, message, sending)`."""
        self._unique(message.kind, self.senders)
        self.senders[message.kind] = Sender(message, send)

    def job(self, job: Job) -> None:
        """Something that becomes due (handlers/core/declarations.py: Cron, EveryTick, Nightly)."""
        self._unique(job.name, self.jobs)
        self.jobs[job.name] = job
        if isinstance(job.when, Cron) and job.when.setting not in self.settings:
            self.setting(job.when.setting)

    def refuse_unsent(self, packages: set[str]) -> None:
        """At start: a message type defined in one of these packages with no sender would
        wait in the outbox for ever; refused here instead."""
        unsent = [k for k, t in KINDS.items() if t.__module__.rpartition(".")[0] in packages and k not in self.senders]
        if unsent:
            raise ValueError(f"message types with no sender: {', '.join(sorted(unsent))}")

    def setting(self, setting: Setting[Any]) -> None:
        if any(s.name == setting.name for s in self.settings):
            raise ValueError(f"{setting.name!r} is declared twice")
        self.settings.append(setting)

    def cli_command(self, command: CliCommand) -> None:
        if any(c.name == command.name for c in self.cli):
            raise ValueError(f"{command.name!r} is declared twice")
        self.cli.append(command)

    def exporter(self, name: str, run: Callable[[UnitOfWork, Path | None, IO[str] | None], int]) -> None:
        self._unique(name, self.exporters)
        self.exporters[name] = Exporter(name, run)

    def importer(self, importer: Importer) -> None:
        self._unique(importer.name, self.importers)
        self.importers[importer.name] = importer

    def home_part(self, part: HomePart) -> None:
        self.home_parts.append(part)
        self.home_parts.sort(key=lambda p: p.order)

    def mention(self, answer: MentionAnswer) -> None:
        """How a mention of the bot is answered: one feature declares it."""
        if self.mention_answer is not None:
            raise ValueError("mentions are answered twice")
        self.mention_answer = answer

    def shortcut(self, shortcut: ShortcutSpec) -> None:
        self._unique(shortcut.callback_id, self.shortcuts)
        self.shortcuts[shortcut.callback_id] = shortcut

    def direct(self, answer: DirectAnswer, *, order: int) -> None:
        """A direct message to Relais: `answer` says whether it answered it; the next one
        (by `order`) is asked otherwise."""
        self.directs.append((order, answer))
        self.directs.sort(key=lambda d: d[0])

    def home(self, opened: Callable[[UnitOfWork, Request], None]) -> None:
        self.homes.append(opened)

    @staticmethod
    def _unique(name: str, table: dict[str, Any]) -> None:
        if name in table:
            raise ValueError(f"{name!r} is declared twice")

    @property
    def slash_commands(self) -> list[str]:
        """The top-level slash commands (`news`, `cm`) the platforms must route to us, in declaration order."""
        return list(dict.fromkeys(c.path.split()[0] for c in self.commands))

    def button_for(self, action_id: str) -> ButtonSpec | None:
        """The declaration an action id belongs to: its exact id, else its prefix before the dot."""
        return self.buttons.get(action_id) or self.buttons.get(action_id.partition(".")[0])

    def find(self, name: str, text: str) -> tuple[Command | None, str]:
        """The command a `/name text` means, and the text left for it: the longest
        declared path (or alias) that the words start with."""
        words = text.split()
        best: tuple[int, Command | None] = (-1, None)
        for command in self.commands:
            top, *sub = command.path.split()
            if top != name:
                continue
            spellings = [sub] + [a.split() for a in command.aliases]
            for spelling in spellings:
                n = len(spelling)
                if [w.casefold() for w in words[:n]] != spelling or n <= best[0]:
                    continue
                if not (command.args or command.open_ended) and len(words) > n:
                    continue
                best = (n, command)
        n, found = best
        if found is None:
            return None, text.strip()
        rest = text.strip()
        for _ in range(n):
            rest = rest.split(None, 1)[1] if len(rest.split(None, 1)) > 1 else ""
        return found, rest.strip()
