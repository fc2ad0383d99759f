"""The shapes a feature declares with: a command, a button, a form, a setting, a
message's sender, a job and when it is due, a CLI sub-command, an exporter and an
importer. registry.py collects them."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Generic, Literal, NamedTuple, Protocol, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from handlers.core.context import Request, Team
from handlers.core.i18n import N_
from handlers.core.messages import Button, FormErrors, Md, Message
from handlers.core.outgoing import Outgoing, Sending, Sent
from handlers.core.permissions import is_admin
from handlers.core.ports import Quoted
from handlers.core.setting_error import SettingError as SettingError
from handlers.core.work import UnitOfWork

if TYPE_CHECKING:
    import argparse  # loaded by the CLI only

Schedule = tuple[str, int, int]  # (days as cron writes them, hour, minute), local time
T = TypeVar("T")
M = TypeVar("M", bound=Outgoing)
Translate = Callable[[str], str]
CommandRun = Callable[[UnitOfWork, Request, str], None]
ButtonRun = Callable[[UnitOfWork, Request, str, str], None]
Validator = Callable[[UnitOfWork, Request, dict[str, str]], FormErrors]
Submitter = Callable[[UnitOfWork, Request, dict[str, str], str], None]
MentionAnswer = Callable[[UnitOfWork, str, str], Message]
DirectAnswer = Callable[[UnitOfWork, Request, str], bool]  # True: it answered


Guard = Callable[[UnitOfWork, Request, str], bool]
CM_ONLY = N_("⛔ Only the CM and admins can use this command. Nothing was changed.")
ADMIN_ONLY = N_("⛔ Only the admins can use this command. Nothing was changed.")


@dataclass(frozen=True)
class Access:
    """Who may use a command, a button or a form. The router asks `allows(uow, req,
    subject)` before anything runs (the subject: the button's value, the form's state,
    the command's words); a person it refuses gets `refusal` and nothing changes. Help
    lists a command that is not `public` to the CMs only, marked "(CM)".

    Guards compose: `CM | author` lets either in, `CM.refusing(msgid)` says it the
    feature's way."""

    allows: Guard
    refusal: str
    public: bool = False

    def __or__(self, other: Access) -> Access:
        first, second = self.allows, other.allows

        def either(uow: UnitOfWork, req: Request, subject: str) -> bool:
            return first(uow, req, subject) or second(uow, req, subject)

        return Access(either, self.refusal, self.public or other.public)

    def refusing(self, refusal: str) -> Access:
        return replace(self, refusal=refusal)


ANYONE = Access(lambda _uow, _req, _subject: True, "", public=True)
CM = Access(lambda _uow, req, _subject: req.cm, CM_ONLY)  # admins are CMs too (`req.cm`)
ADMIN = Access(lambda uow, req, _subject: is_admin(uow.team, req.user_id), ADMIN_ONLY)


Send = Callable[[UnitOfWork, M, Sending], Sent | None]
"""Sends one message; raises ChatError when the platform refuses (the outbox tries
again later), returns what follows from it."""


@dataclass(frozen=True)
class Sender(Generic[M]):
    """How one message type goes out."""

    message: type[M]
    send: Send[M]


@dataclass(frozen=True)
class Command:
    """`/news …` or `/cm <sub> …`. `path` is the slash command and its sub-command
    words (`"cm topics add"`); the handler receives only the words after them, its
    own arguments. `args` is shown in help (`"[question]"`): a command declared
    without args only matches when nothing follows it. Its aliases are understood
    whatever the language; help shows the reader's language's first one."""

    path: str
    run: CommandRun
    help: str
    args: str = ""
    access: Access = ANYONE
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # by language, the words after the top
    listed: bool = True
    open_ended: bool = False  # takes further words even without declared args

    def usage(self, _: Callable[[str], str] | None = None) -> str:
        """`/cm recap [YYYY-Www]`, with its placeholders in the reader's language when `_` is given."""
        args = _(self.args) if _ and self.args else self.args
        return f"/{self.path} {args}".rstrip()


@dataclass(frozen=True)
class ButtonSpec:
    """Buttons whose action id is `prefix.verb` (or exactly `prefix`, the more specific)."""

    prefix: str
    run: ButtonRun
    access: Access = ANYONE


@dataclass(frozen=True)
class FormSpec:
    """A form: `validate` answers within the platform's seconds and stores nothing,
    `submit` does the work (the form's `state` is the subject its access is asked about)."""

    form_id: str
    validate: Validator
    submit: Submitter
    access: Access = ANYONE


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One variable of `.env` a feature reads: its name, its default as written in
    `.env`, how it is read (`parse(raw, _)` raises SettingError) and one help line."""

    name: str
    default: str
    parse: Callable[[str, Translate], T]
    help: str
    secret: bool = False  # a token or password: blanked out wherever the logs would show it

    def of(self, team: Team) -> T:
        """This setting's value for the team: the one read at start, else the default."""
        if self.name in team.settings:
            return team.settings[self.name]  # type: ignore[no-any-return]
        return self.parse(self.default, lambda s: s)


@dataclass(frozen=True)
class Cron:
    """Due at each fire time of `setting` (cron fields the team sets, such as `fri 10 0`,
    in the team's time zone). Catch-up: the latest fire time is run at the first tick
    after it, however late, unless it is older than `grace` (Relais was stopped: a
    reminder is not sent days late). With `skips_holidays`, a fire time on a public
    holiday is moved to the next working day."""

    setting: Setting[Schedule | None]
    skips_holidays: bool = False
    grace: timedelta | None = None


@dataclass(frozen=True)
class EveryTick:
    """Due at every tick of every instance (a condition: an item waiting too long).
    Catch-up needs none: the condition is still true at the next tick. With
    `office_hours`, the moment the job is given is now during office hours, else 9:00
    on the next working day: what it queues then waits for it."""

    office_hours: bool = False


@dataclass(frozen=True)
class Nightly:
    """Due once a night at `at`, local time. Catch-up: a night Relais was stopped at
    `at` runs at its first tick after; one instance runs it (a claim in the database)."""

    at: time = time(3, 30)


When = Cron | EveryTick | Nightly


@dataclass(frozen=True)
class Job:
    """Something that becomes due. `run(uow, moment)` is given the fire time (Cron,
    Nightly) or the moment what it queues goes out (EveryTick), and queues keyed
    messages with `uow.queue`, so every instance may run it and each thing is sent
    once. It may return a line for the log (what it did), or None."""

    name: str
    when: When
    run: Callable[[UnitOfWork, datetime], str | None]


class Terminal(Protocol):
    """Where a CLI sub-command writes (bot/ provides it): results on `out`, problems
    on `err`, chat messages as the console shows them, a progress bar on a terminal."""

    out: IO[str]
    err: IO[str]

    def show(self, where: str, message: Message) -> None: ...

    def progress(self, unit: str) -> AbstractContextManager[Callable[[int], object]]:
        """A counter of `unit` (already translated) moving on a terminal, nothing otherwise:
        what it yields is told how many more were done."""
        ...


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


class Imported(NamedTuple):
    loaded: int
    problems: list[tuple[int, str]]  # (line, what is wrong with it)
    already: int = 0  # rows already there (a file imported twice, an export imported back)


@dataclass(frozen=True)
class Importer:
    """`relais import <name> FILE`: `run(uow, actor, path, progress)` returns what it
    loaded, refused and found already there; `describe(_)` is its help (the columns it reads)."""

    name: str
    run: Callable[[UnitOfWork, str, Path, Callable[[int], object]], Imported]
    describe: Callable[[Translate], str]


@dataclass(frozen=True)
class ShortcutSpec:
    """A platform shortcut: on a message (`on="message"`, it gets the message) or from
    anywhere (`on="global"`). `name` and `description` (msgids) are what the menu shows."""

    callback_id: str
    run: Callable[[UnitOfWork, Request, Quoted | None], None]
    name: str
    description: str
    on: Literal["message", "global"] = "global"


@dataclass(frozen=True)
class RecapPart:
    """Lines a feature adds to the weekly recap's summary: `read(session, start, end, tz)`
    gathers the week's facts once (start included, end excluded) and returns how to say
    them in a language; `order` places the part."""

    order: int
    read: Callable[[Session, datetime, datetime, ZoneInfo], Callable[[str], list[Md]]]


@dataclass(frozen=True)
class DigestPart:
    """A line a feature adds to the CM's morning digest: `line(uow, language)`, or None
    when it has nothing waiting; `order` places it. The digest goes out when any part
    or the news has something."""

    order: int
    line: Callable[[UnitOfWork, str], Md | None]


@dataclass(frozen=True)
class Forget:
    """What a feature removes when `relais forget --author NAME` asks: `run(uow, name)`
    returns how many of its rows no longer show the person; `said` (a msgid with {n})
    tells it."""

    run: Callable[[UnitOfWork, str], int]
    said: str


@dataclass(frozen=True)
class HomePart:
    """A part of the home view a feature shows (Slack's App Home, `/cm home`):
    `show(uow, user, language, cm)` returns its text and buttons, or None; `order`
    places it; `version` changes whenever what it shows may have, so the homes
    people opened are published again."""

    order: int
    show: Callable[[UnitOfWork, str, str, bool], tuple[Md, list[Button]] | None]
    version: Callable[[UnitOfWork], str]


@dataclass(frozen=True)
class Direct:
    """An answer to a direct message to Relais: `answer` says whether it answered; the
    next one by `order` is asked otherwise."""

    answer: DirectAnswer
    order: int


@dataclass(frozen=True)
class Mention:
    """How a mention of the bot is answered: one feature declares it."""

    answer: MentionAnswer


@dataclass(frozen=True)
class HomeOpened:
    """What runs when someone opens Relais's home (Slack's App Home tab)."""

    run: Callable[[UnitOfWork, Request], None]


@dataclass(frozen=True)
class SlashCommand:
    """What a top-level slash command (`news`, `cm`) is for, as the platform's menu shows it (a msgid)."""

    name: str
    description: str
