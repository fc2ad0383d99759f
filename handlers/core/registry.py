"""What each feature declares once: its commands, buttons, forms, deliveries and
recurring jobs. The router, `/cm help`, the platform listeners, the Mattermost
autocomplete hint and the console help are all read from here, so adding a
feature is a folder under handlers/ and one line in handlers/features.py."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from handlers.core.i18n import N_
from handlers.core.messages import FormErrors

if TYPE_CHECKING:
    from handlers.core.context import Deps, Request
    from storage.models import Base, Outbox

Who = Literal["anyone", "cm", "admin"]
CommandRun = Callable[["Deps", "Request", str], None]
ButtonRun = Callable[["Deps", "Request", str, str], None]
Validator = Callable[["Deps", "Request", dict[str, str]], FormErrors]
Submitter = Callable[["Deps", "Request", dict[str, str], str], None]


@dataclass(frozen=True)
class FollowUp:
    """A further outbox row a delivery asks for (a thread reply once the post exists)."""

    kind: str
    payload: dict[str, Any]
    key: str


Deliver = Callable[["Deps", "Outbox"], "Sequence[FollowUp | Base]"]
"""Sends one outbox row; raises ChatError when the platform refuses, returns what comes next."""


@dataclass(frozen=True)
class Command:
    """`/news …` or `/cm <sub> …`. `path` is the slash command and its sub-command
    words (`"cm topics"`); `args` is shown in help (`"[question]"`): a command
    declared without args only matches when nothing follows it."""

    path: str
    run: CommandRun
    help: str
    args: str = ""
    who: Who = "anyone"
    aliases: tuple[str, ...] = ()
    refusal: str = N_("⛔ Only the CM and admins can use this command. Nothing was changed.")
    listed: bool = True
    open_ended: bool = False  # takes further words even without declared args

    def usage(self, _: Callable[[str], str] | None = None) -> str:
        """`/cm recap [YYYY-Www]`, with its placeholders in the reader's language when `_` is given."""
        args = _(self.args) if _ and self.args else self.args
        return f"/{self.path} {args}".rstrip()


@dataclass(frozen=True)
class Recurring:
    """Something due at each fire time of the schedule named `name` in the team's
    settings (`recap` -> RECAP_SCHEDULE). `due` returns the outbox rows owed for a
    fire time, keyed, so every instance may ask and one row is kept."""

    name: str
    due: Callable[[Deps, datetime], Iterable[FollowUp]]
    skips_holidays: bool = False  # a reminder: on a public holiday it goes out the next working day
    grace: timedelta | None = None  # a fire time older than this (Relais was stopped) is skipped


@dataclass
class Registry:
    commands: list[Command] = field(default_factory=list)
    buttons: dict[str, ButtonRun] = field(default_factory=dict)  # action id prefix -> handler(verb, value)
    forms: dict[str, tuple[Validator, Submitter]] = field(default_factory=dict)
    deliverers: dict[str, Deliver] = field(default_factory=dict)
    recurring: list[Recurring] = field(default_factory=list)
    watches: list[Callable[[Deps], None]] = field(default_factory=list)  # run at each tick, enqueue keyed rows
    mention: Callable[[Deps, str, str], Any] | None = None  # (deps, user id, text) -> the answer
    home: Callable[[Deps, Request], None] | None = None  # a person opened the platform's home tab
    descriptions: dict[str, str] = field(default_factory=dict)  # slash command -> what it is for

    def describe(self, slash_command: str, description: str) -> None:
        self.descriptions[slash_command] = description

    def command(self, path: str, run: CommandRun, help: str, **options: Any) -> None:
        self.commands.append(Command(path=path, run=run, help=help, **options))

    def button(self, prefix: str, run: ButtonRun) -> None:
        self._unique(prefix, self.buttons)
        self.buttons[prefix] = run

    def form(self, form_id: str, validate: Validator, submit: Submitter) -> None:
        self._unique(form_id, self.forms)
        self.forms[form_id] = (validate, submit)

    def deliverer(self, kind: str, deliver: Deliver) -> None:
        self._unique(kind, self.deliverers)
        self.deliverers[kind] = deliver

    def every(self, recurring: Recurring) -> None:
        self.recurring.append(recurring)

    def watch(self, check: Callable[[Deps], None]) -> None:
        """`check` looks for what a condition made due and enqueues it under a key, at every
        tick of every instance: the key makes it once."""
        self.watches.append(check)

    @staticmethod
    def _unique(name: str, table: dict[str, Any]) -> None:
        if name in table:
            raise ValueError(f"{name!r} is declared twice")

    @property
    def slash_commands(self) -> list[str]:
        """The top-level slash commands (`news`, `cm`) the platforms must route to us, in declaration order."""
        return list(dict.fromkeys(c.path.split()[0] for c in self.commands))

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
