"""What each feature declares once: its commands and sub-commands, buttons and
forms with who may use them, deliveries, recurring jobs, daily jobs, settings,
CLI sub-commands and home summaries. The router, `/cm help`, the platform
listeners, the Mattermost autocomplete, the console help, the CLI, the settings
read at start, `.env.example` and `manifest.yml` are all read from here (or
checked against it by a test), so adding a feature is a folder under handlers/
and one line in handlers/features.py."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Generic, Literal, Protocol, TypeVar

from handlers.core.i18n import N_
from handlers.core.messages import FormErrors, Md, Message

if TYPE_CHECKING:
    import argparse

    from handlers.core.context import Request, Team
    from handlers.core.schedule import Schedule
    from handlers.core.uow import UnitOfWork
    from storage.models import Base, Outbox

Who = Literal["anyone", "cm", "admin"]
T = TypeVar("T")
Translate = Callable[[str], str]
CommandRun = Callable[["UnitOfWork", "Request", str], None]
ButtonRun = Callable[["UnitOfWork", "Request", str, str], None]
Validator = Callable[["UnitOfWork", "Request", dict[str, str]], FormErrors]
Submitter = Callable[["UnitOfWork", "Request", dict[str, str], str], None]
Summary = Callable[["UnitOfWork", "Request"], "Md | None"]
MentionAnswer = Callable[["UnitOfWork", str, str], Any]
CM_ONLY = N_("⛔ Only the CM and admins can use this command. Nothing was changed.")
ADMIN_ONLY = N_("⛔ Only the admins can use this command. Nothing was changed.")


@dataclass(frozen=True)
class FollowUp:
    """A further outbox row a delivery asks for (a thread reply once the post exists)."""

    kind: str
    payload: dict[str, Any]
    key: str


Deliver = Callable[["UnitOfWork", "Outbox"], "Sequence[FollowUp | Base]"]
"""Sends one outbox row; raises ChatError when the platform refuses, returns what comes next."""


@dataclass(frozen=True)
class Command:
    """`/news …` or `/cm <sub> …`. `path` is the slash command and its sub-command
    words (`"cm topics add"`); the handler receives only the words after them, its
    own arguments. `args` is shown in help (`"[question]"`): a command declared
    without args only matches when nothing follows it."""

    path: str
    run: CommandRun
    help: str
    args: str = ""
    who: Who = "anyone"
    aliases: tuple[str, ...] = ()
    refusal: str = ""
    listed: bool = True
    open_ended: bool = False  # takes further words even without declared args

    def usage(self, _: Callable[[str], str] | None = None) -> str:
        """`/cm recap [YYYY-Www]`, with its placeholders in the reader's language when `_` is given."""
        args = _(self.args) if _ and self.args else self.args
        return f"/{self.path} {args}".rstrip()


@dataclass(frozen=True)
class Button:
    """Buttons whose action id is `prefix.verb` (or exactly `prefix`, the more specific)."""

    prefix: str
    run: ButtonRun
    who: Who = "anyone"
    refusal: str = ""


@dataclass(frozen=True)
class FormSpec:
    form_id: str
    validate: Validator
    submit: Submitter
    who: Who = "anyone"
    refusal: str = ""


class SettingError(ValueError):
    """A setting's value cannot be used; the message says why, in the team's language."""


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One variable of `.env` a feature reads: its name, its default as written in
    `.env`, how it is read (`parse(raw, _)` raises SettingError) and one help line."""

    name: str
    default: str
    parse: Callable[[str, Translate], T]
    help: str

    def of(self, team: Team) -> T:
        """This setting's value for the team: the one read at start, else the default."""
        if self.name in team.settings:
            return team.settings[self.name]  # type: ignore[no-any-return]
        return self.parse(self.default, lambda s: s)


@dataclass(frozen=True)
class Recurring:
    """Something due at each fire time of `schedule` (a Setting holding cron fields).
    `due` returns the outbox rows owed for a fire time, keyed, so every instance may
    ask and one row is kept."""

    schedule: Setting[Schedule | None]
    due: Callable[[UnitOfWork, datetime], Iterable[FollowUp]]
    skips_holidays: bool = False  # a reminder: on a public holiday it goes out the next working day
    grace: timedelta | None = None  # a fire time older than this (Relais was stopped) is skipped


@dataclass(frozen=True)
class Daily:
    """A night job (03:30 local): `run` returns a line for the log, or "" when it did nothing."""

    name: str
    run: Callable[[UnitOfWork], str]


class Terminal(Protocol):
    """Where a CLI sub-command writes (bot/ provides it): results on `out`, problems
    on `err`, chat messages as the console shows them, a progress bar on a terminal."""

    out: IO[str]
    err: IO[str]

    def show(self, where: str, message: Message) -> None: ...

    def progress(self, path: Path) -> AbstractContextManager[Callable[[int], object]]: ...


@dataclass(frozen=True)
class CliCommand:
    """`relais <name> …`: `arguments(parser, _)` adds its arguments (help in the team's
    language); `run(uow, args, terminal)` returns the exit code. `help` is a msgid."""

    name: str
    help: str
    arguments: Callable[[argparse.ArgumentParser, Translate], None]
    run: Callable[[UnitOfWork, argparse.Namespace, Terminal], int]


@dataclass(frozen=True)
class Exporter:
    """`relais export <name> [--out FILE]`: writes rows to a .csv/.xlsx path, or CSV to `out`."""

    name: str
    run: Callable[[UnitOfWork, Path | None, IO[str] | None], int]


@dataclass(frozen=True)
class Importer:
    """`relais import <name> FILE`: `run(uow, actor, path, progress)` returns (rows loaded,
    [(line, problem)]); `describe(_)` is its help (the columns it reads)."""

    name: str
    run: Callable[[UnitOfWork, str, Path, Callable[[int], object]], tuple[int, list[tuple[int, str]]]]
    describe: Callable[[Translate], str]


@dataclass
class Registry:
    commands: list[Command] = field(default_factory=list)
    buttons: dict[str, Button] = field(default_factory=dict)
    forms: dict[str, FormSpec] = field(default_factory=dict)
    deliverers: dict[str, Deliver] = field(default_factory=dict)
    recurring: list[Recurring] = field(default_factory=list)
    watches: list[Callable[[UnitOfWork], None]] = field(default_factory=list)  # at each tick, enqueue keyed rows
    dailies: list[Daily] = field(default_factory=list)
    settings: list[Setting[Any]] = field(default_factory=list)
    cli: list[CliCommand] = field(default_factory=list)
    exporters: dict[str, Exporter] = field(default_factory=dict)
    importers: dict[str, Importer] = field(default_factory=dict)
    summaries: list[Summary] = field(default_factory=list)  # lines of the home view, in feature order
    mentions: list[MentionAnswer] = field(default_factory=list)
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
        self.buttons[prefix] = Button(prefix, run, who, refusal)

    def form(
        self, form_id: str, validate: Validator, submit: Submitter, *, who: Who = "anyone", refusal: str = ""
    ) -> None:
        self._unique(form_id, self.forms)
        self.forms[form_id] = FormSpec(form_id, validate, submit, who, refusal)

    def deliverer(self, kind: str, deliver: Deliver) -> None:
        self._unique(kind, self.deliverers)
        self.deliverers[kind] = deliver

    def every(self, recurring: Recurring) -> None:
        self.recurring.append(recurring)
        if recurring.schedule not in self.settings:
            self.setting(recurring.schedule)

    def watch(self, check: Callable[[UnitOfWork], None]) -> None:
        """`check` looks for what a condition made due and enqueues it under a key, at every
        tick of every instance: the key makes it once."""
        self.watches.append(check)

    def daily(self, name: str, run: Callable[[UnitOfWork], str]) -> None:
        self.dailies.append(Daily(name, run))

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

    def summary(self, summary: Summary) -> None:
        self.summaries.append(summary)

    def mention(self, answer: MentionAnswer) -> None:
        self.mentions.append(answer)

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

    def button_for(self, action_id: str) -> Button | None:
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
