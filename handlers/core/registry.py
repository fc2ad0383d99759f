"""What each feature declares once, with `reg.add(...)`: its commands, buttons and
forms with who may use them, message senders, jobs, settings, CLI sub-commands,
exporters and importers, shortcuts, home parts and answers to direct messages and
mentions. The router, `/cm help`, the platform listeners, the Mattermost
autocomplete, the console help, the CLI, the settings read at start, `.env.example`
and `manifest.yml` are all read from here (or checked against it by a test), so
adding a feature is a folder under handlers/ and one line in handlers/features.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from handlers.core.context import Request
from handlers.core.declarations import (
    ADMIN,
    ANYONE,
    CM,
    Access,
    ButtonRun,
    ButtonSpec,
    CliCommand,
    Command,
    CommandRun,
    Cron,
    DigestPart,
    Direct,
    EveryTick,
    Exporter,
    Forget,
    FormSpec,
    HomeOpened,
    HomePart,
    Importer,
    Job,
    Mention,
    MentionAnswer,
    Nightly,
    RecapPart,
    Send,
    Sender,
    Setting,
    SettingError,
    ShortcutSpec,
    SlashCommand,
    Submitter,
    Terminal,
    Validator,
)
from handlers.core.outgoing import KINDS, Outgoing, Owed, Sending, Sent
from handlers.core.ports import Quoted
from handlers.core.work import UnitOfWork

__all__ = [  # what a feature declares with, from the one place it registers
    "ADMIN", "ANYONE", "CM", "Access", "ButtonRun", "ButtonSpec", "CliCommand", "Command", "CommandRun", "Cron",
    "Declaration", "DigestPart", "Direct", "EveryTick", "Exporter", "FormSpec", "HomeOpened", "HomePart", "Importer", "Job",
    "Forget", "Mention", "Nightly", "Outgoing", "Owed", "Quoted", "RecapPart", "Registry", "Send", "Sender", "Sending", "Sent", "Setting",
    "SettingError", "ShortcutSpec", "SlashCommand", "Submitter", "Terminal", "Validator",
]  # fmt: skip
Declaration = (
    Command | ButtonSpec | FormSpec | Sender[Any] | Job | Setting[Any] | CliCommand | Exporter | Importer
    | HomePart | ShortcutSpec | Direct | Mention | HomeOpened | SlashCommand | RecapPart | Forget | DigestPart
)  # fmt: skip


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
    recap_parts: list[RecapPart] = field(default_factory=list)
    digest_parts: list[DigestPart] = field(default_factory=list)  # lines in the CM's digest, by order
    forgets: list[Forget] = field(default_factory=list)  # `relais forget --author`: each feature's part
    mention_answer: MentionAnswer | None = None
    shortcuts: dict[str, ShortcutSpec] = field(default_factory=dict)
    directs: list[Direct] = field(default_factory=list)  # by order: the first to answer wins
    homes: list[Callable[[UnitOfWork, Request], None]] = field(default_factory=list)
    descriptions: dict[str, str] = field(default_factory=dict)  # slash command -> what it is for
    migrations: tuple[Path, ...] = ()  # the features' own migrations/ folders (their Alembic branches)
    spelled: dict[tuple[str, ...], Command] = field(default_factory=dict)  # every spelling: find() reads it

    def add(self, *declarations: Declaration) -> None:
        """The one way a feature declares anything; a name declared twice is refused."""
        for declaration in declarations:
            _COLLECT[type(declaration)](self, declaration)

    def _command(self, command: Command) -> None:
        twice = self.spelled.keys() & set(_spellings(command))
        if twice:
            raise ValueError(f"{'/' + ' '.join(sorted(twice)[0])!r} is declared twice")
        self.commands.append(command)
        self.spelled |= dict.fromkeys(_spellings(command), command)

    def _button(self, button: ButtonSpec) -> None:
        self.buttons[_unique(button.prefix, self.buttons)] = button

    def _form(self, form: FormSpec) -> None:
        self.forms[_unique(form.form_id, self.forms)] = form

    def _sender(self, sender: Sender[Any]) -> None:
        self.senders[_unique(sender.message.kind, self.senders)] = sender

    def _job(self, job: Job) -> None:
        self.jobs[_unique(job.name, self.jobs)] = job
        if isinstance(job.when, Cron) and job.when.setting not in self.settings:
            self._setting(job.when.setting)

    def _setting(self, setting: Setting[Any]) -> None:
        _unique(setting.name, {s.name: s for s in self.settings})
        self.settings.append(setting)

    def _cli(self, command: CliCommand) -> None:
        _unique(command.name, {c.name: c for c in self.cli})
        self.cli.append(command)

    def _exporter(self, exporter: Exporter) -> None:
        self.exporters[_unique(exporter.name, self.exporters)] = exporter

    def _importer(self, importer: Importer) -> None:
        self.importers[_unique(importer.name, self.importers)] = importer

    def _home_part(self, part: HomePart) -> None:
        self.home_parts.append(part)
        self.home_parts.sort(key=lambda p: p.order)

    def _recap_part(self, part: RecapPart) -> None:
        self.recap_parts.append(part)
        self.recap_parts.sort(key=lambda p: p.order)

    def _digest_part(self, part: DigestPart) -> None:
        self.digest_parts.append(part)
        self.digest_parts.sort(key=lambda p: p.order)

    def _forget(self, forget: Forget) -> None:
        self.forgets.append(forget)

    def _mention(self, mention: Mention) -> None:
        if self.mention_answer is not None:
            raise ValueError("mentions are answered twice")
        self.mention_answer = mention.answer

    def _shortcut(self, shortcut: ShortcutSpec) -> None:
        self.shortcuts[_unique(shortcut.callback_id, self.shortcuts)] = shortcut

    def _direct(self, direct: Direct) -> None:
        self.directs.append(direct)
        self.directs.sort(key=lambda d: d.order)

    def _home(self, opened: HomeOpened) -> None:
        self.homes.append(opened.run)

    def _slash(self, slash: SlashCommand) -> None:
        self.descriptions[_unique(slash.name, self.descriptions)] = slash.description

    def refuse_unsent(self, packages: set[str]) -> None:
        """At start: a message type defined in one of these packages with no sender would
        wait in the outbox for ever; refused here instead."""
        unsent = [k for k, t in KINDS.items() if t.__module__.rpartition(".")[0] in packages and k not in self.senders]
        if unsent:
            raise ValueError(f"message types with no sender: {', '.join(sorted(unsent))}")

    @property
    def slash_commands(self) -> list[str]:
        """The top-level slash commands (`news`, `cm`) the platforms must route to us, in declaration order."""
        return list(dict.fromkeys(c.path.split()[0] for c in self.commands))

    def usage_hint(self, top: str, _: Callable[[str], str]) -> str:
        """What the platform's menu shows after `/top`, read from the declarations: each
        listed sub-command once, in its shortest form (`queue | role [question] | …`)."""
        shortest: dict[str, tuple[int, str]] = {}  # first word after the command -> (words, usage)
        for command in self.commands:
            words = command.path.split()
            if words[0] != top or not command.listed:
                continue
            usage = " ".join([*words[1:], _(command.args) if command.args else ""]).strip()
            first = words[1] if len(words) > 1 else ""
            if usage and (first not in shortest or len(words) < shortest[first][0]):
                shortest[first] = (len(words), usage)
        return " | ".join(usage for _n, usage in shortest.values())

    def button_for(self, action_id: str) -> ButtonSpec | None:
        """The declaration an action id belongs to: its exact id, else its prefix before the dot."""
        return self.buttons.get(action_id) or self.buttons.get(action_id.partition(".")[0])

    def find(self, name: str, text: str) -> tuple[Command | None, str]:
        """The command a `/name text` means, and the text left for it: the longest
        declared path (or alias) that the words start with. One lookup per length, as
        every request of every worker comes through here."""
        words = text.split()
        spoken = [w.casefold() for w in words]
        for n in range(len(words), -1, -1):
            command = self.spelled.get((name, *spoken[:n]))
            if command is not None and (command.args or command.open_ended or len(words) == n):
                return command, _after(text, n)
        return None, text.strip()


def _after(text: str, n: int) -> str:
    """The text after its first `n` words, as typed (line breaks and spaces within it kept)."""
    rest = text.strip()
    for _ in range(n):
        first_and_rest = rest.split(None, 1)
        rest = first_and_rest[1] if len(first_and_rest) > 1 else ""
    return rest.strip()


def _spellings(command: Command) -> list[tuple[str, ...]]:
    """The words that name a command: its path, and its aliases in every language."""
    top = command.path.split()[0]
    aliases = [(top, *alias.split()) for each in command.aliases.values() for alias in each]
    return [tuple(command.path.split()), *aliases]


def _unique(name: str, table: dict[str, Any]) -> str:
    if name in table:
        raise ValueError(f"{name!r} is declared twice")
    return name


_COLLECT: dict[type, Callable[[Registry, Any], None]] = {
    Command: Registry._command, ButtonSpec: Registry._button, FormSpec: Registry._form, Sender: Registry._sender,
    Job: Registry._job, Setting: Registry._setting, CliCommand: Registry._cli, Exporter: Registry._exporter,
    Importer: Registry._importer, HomePart: Registry._home_part, ShortcutSpec: Registry._shortcut,
    Direct: Registry._direct, Mention: Registry._mention, HomeOpened: Registry._home, SlashCommand: Registry._slash,
    RecapPart: Registry._recap_part, Forget: Registry._forget,
    DigestPart: Registry._digest_part,
}  # fmt: skip
