"""Relais's own sub-commands, declared in CORE as the features declare theirs
(`relais serve`, `console`, `migrate`, `doctor`, `import`, `export`, `backup`,
`restore`, `mattermost-setup`), and the run of a feature's."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.bootstrap import Core, bootstrap, chat_for, team, wall_clock
from bot.config import Settings
from handlers.core.i18n import N_, number, translator
from handlers.core.messages import Message
from handlers.core.registry import CliCommand, Registry
from handlers.core.sheets import Unreadable, Unwritable, check_target
from handlers.core.uow import SqlUnitOfWork

Translate = Callable[[str], str]


@dataclass(frozen=True)
class CoreCommand:
    """`relais <name>`: `arguments(parser, _, features)` adds its arguments, `run(settings,
    args, features)` returns the exit code; `help` is a msgid, `description` the longer text."""

    name: str
    help: str
    run: Callable[[Settings, argparse.Namespace, Registry], int]
    arguments: Callable[[argparse.ArgumentParser, Translate, Registry], None] = lambda _p, _t, _f: None
    description: Callable[[Translate, Registry], str] | None = None


def _core(settings: Settings) -> Core:
    from bot.platforms.console_chat import TEAM

    return bootstrap(settings, chat_for(settings), team(settings, team_channel=settings.team_channel or TEAM),
                     clock=wall_clock)  # fmt: skip


class Terminal:
    """What the features' CLI sub-commands write to: the screen, as the console shows chat."""

    def __init__(self, language: str) -> None:
        from bot.platforms.console_chat import Screen

        self.out, self.err = sys.stdout, sys.stderr
        self.language = language
        self._screen = Screen(sys.stdout, language)

    def show(self, where: str, message: Message) -> None:
        self._screen.show(where, message)

    @contextmanager
    def progress(self, unit: str) -> Iterator[Callable[[int], object]]:
        from tqdm import tqdm

        with tqdm(unit=" " + unit, disable=not sys.stderr.isatty(), leave=False, file=sys.stderr) as bar:
            yield bar.update


def feature_command(settings: Settings, args: argparse.Namespace, command: CliCommand) -> int:
    """A sub-command a feature declared: its unit of work, and what it owes sent once it returns.
    On the console the cards it updates have nowhere to go but an unseen screen."""
    core = _core(settings)
    uow = SqlUnitOfWork(core.deps)
    code = command.run(uow, args, Terminal(settings.language))
    uow.deliver()
    return code


def import_command(settings: Settings, args: argparse.Namespace, features: Registry) -> int:
    """Rows refused are listed by line; a file Relais cannot read as it is loads nothing (exit 2)."""
    what, path = args.what, args.file
    core = _core(settings)
    lang = settings.language
    _ = translator(lang)
    with _progress(path, lang) as bar:
        try:
            done = features.importers[what].run(SqlUnitOfWork(core.deps), "import", path, bar.update)
        except Unreadable as refused:
            print(_("relais: {problem}").format(problem=refused), file=sys.stderr)
            return 2
    for line, problem in done.problems:
        print(_("line {line}: {problem}").format(line=line, problem=problem), file=sys.stderr)
    said = _("Entries loaded: {n}. Rows refused: {bad}.").format(
        n=number(done.loaded, lang), bad=number(len(done.problems), lang)
    )
    if done.already:  # a file imported again after a correction, or an export imported back
        said += " " + _("Already in the log, not added again: {n}.").format(n=number(done.already, lang))
    print(said)
    return 1 if done.problems else 0


def _progress(path: Path, lang: str) -> Any:
    """A progress bar on a terminal (tqdm), nothing when the output is a file or a pipe.
    Its total counts the file's lines: a text on several lines makes it end early."""
    from tqdm import tqdm

    shown = sys.stderr.isatty() and path.is_file()
    total = None
    if shown and path.suffix.casefold() != ".xlsx":
        with path.open("rb") as f:
            total = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b"")) or None
    _ = translator(lang)
    return tqdm(total=total, unit=" " + _("rows"), disable=not shown, leave=False, file=sys.stderr)


def export_command(settings: Settings, args: argparse.Namespace, features: Registry) -> int:
    """CSV on the screen, or a file: .xlsx by its suffix, else CSV in the team's language."""
    what, out = args.what, args.out
    _ = translator(settings.language)
    try:
        check_target(out, settings.language)  # before the database is opened: nothing is written
    except Unwritable as refused:
        print(_("relais: {problem}").format(problem=refused), file=sys.stderr)
        return 2
    core = _core(settings)
    count = features.exporters[what].run(SqlUnitOfWork(core.deps), out, sys.stdout)
    print(_("Rows written: {n}.").format(n=number(count, settings.language)), file=sys.stderr)
    return 0


def backup_command(settings: Settings, args: argparse.Namespace, features: Registry) -> int:
    """`relais backup FILE` / `relais restore FILE [--force]`: one line saying what was done, or why not."""
    what, path, force = args.command, args.file, getattr(args, "force", False)
    from storage.backup import BackupError, backup, restore

    _ = translator(settings.language)
    try:
        if what == "backup":
            size = backup(settings.database_url, path)
            print(
                _("Backup written to {file} ({size} kB).").format(
                    file=path, size=number(size // 1024, settings.language)
                )
            )
        else:
            restore(settings.database_url, path, force=force, features=features.migrations)
            print(_("Backup {file} restored; the database is up to date.").format(file=path))
        return 0
    except BackupError as problem:
        said = {
            "no_database": _("there is no database to back up at {detail}: check DATABASE_URL"),
            "no_backup": _("no such backup file: {detail}"),
            "not_a_backup": _("{detail} is not a Relais backup (an SQLite file made by relais backup)"),
            "in_use": _(
                "the database already holds data; stop Relais, then run relais restore FILE --force to replace it"
            ),
            "no_pg_dump": _(
                "pg_dump is not installed: install PostgreSQL's client tools (apt install postgresql-client), "
                "or back up with your host's own PostgreSQL backups"
            ),  # fmt: skip
            "no_pg_restore": _(
                "pg_restore is not installed: install PostgreSQL's client tools (apt install postgresql-client)"
            ),
            "tool_failed": _("PostgreSQL's tool refused: {detail}"),
        }[problem.kind]
        print(_("relais: {problem}").format(problem=said.format(detail=problem.detail)), file=sys.stderr)
        return 2


def mattermost_setup(settings: Settings, args: argparse.Namespace, features: Registry) -> int:
    """Create /news, /cm and the mention hook on a team, and say what to put in .env."""
    from bot.bootstrap import mattermost_chat
    from bot.platforms.mattermost_setup import setup

    if settings.platform != "mattermost":
        print(
            "relais: set RELAIS_PLATFORM=mattermost, MATTERMOST_URL, MATTERMOST_BOT_TOKEN and RELAIS_PUBLIC_URL first",
            file=sys.stderr,
        )
        return 2
    tokens = setup(settings, mattermost_chat(settings).api, args.team, features)
    _ = translator(settings.language)
    print(
        _(
            "Slash commands /news and /cm and the mention hook are created. Put this line in .env, then run relais serve:"
        )
    )
    print("MATTERMOST_COMMAND_TOKENS=" + ",".join(tokens))
    return 0


def run_platform(settings: Settings, args: argparse.Namespace, _features: Registry) -> int:
    """`relais` alone, or `relais serve`: the console, or Slack or Mattermost as the settings say."""
    _ = translator(settings.language)
    if args.command == "serve" and settings.platform == "console":
        print(_("relais: `relais serve` answers Slack or Mattermost: set RELAIS_PLATFORM=slack or mattermost "
                "(see .env.example), or run `relais` alone to try Relais in this terminal"), file=sys.stderr)  # fmt: skip
        return 2
    from bot import front

    if args.command == "serve" and settings.platform == "slack" and front.HANDOFF is not None:
        front.back(settings, args.port or settings.port, front.HANDOFF)  # the back of a lean `relais serve`
        return 0
    from bot import runner  # the servers' modules (Bolt, uvicorn) load only to run one

    if args.command == "console" or settings.platform == "console":
        runner.console(settings, clock=wall_clock)
    elif settings.platform == "mattermost" and not settings.mattermost_command_tokens:
        print(_("relais: MATTERMOST_COMMAND_TOKENS is empty: run `relais mattermost-setup --team NAME` first"),
              file=sys.stderr)  # fmt: skip
        return 2
    elif settings.platform == "slack" and settings.slack_app_token and args.command is None:
        runner.socket_mode(settings)
    else:
        runner.serve(settings, getattr(args, "port", None) or settings.port)  # `relais` alone has no --port
    return 0


def migrate(settings: Settings, _args: argparse.Namespace, features: Registry) -> int:
    from storage.db import make_engine, migrate

    migrate(make_engine(settings.database_url), features.migrations)
    print(translator(settings.language)("relais: the database is up to date"))
    return 0


def doctor(settings: Settings, _args: argparse.Namespace, _features: Registry) -> int:
    from bot import doctor

    checks = doctor.run(settings)
    for check in checks:
        print(check.line())
    return 0 if all(c.ok for c in checks) else 1


def _port(parser: argparse.ArgumentParser, _: Translate, _features: Registry) -> None:
    parser.add_argument("--port", type=int, default=None, help=_("default: PORT from the settings (3000)"))


def _importing(parser: argparse.ArgumentParser, _: Translate, features: Registry) -> None:
    parser.add_argument("what", choices=list(features.importers), metavar=_("WHAT"), help=_("what to load: moderation"))
    parser.add_argument("file", type=Path, metavar=_("FILE"), help=_("the file to load"))


def _exporting(parser: argparse.ArgumentParser, _: Translate, features: Registry) -> None:
    parser.add_argument("what", choices=list(features.exporters), metavar=_("WHAT"),
                        help=_("what to write: news or moderation"))  # fmt: skip
    parser.add_argument("--out", type=Path, help=_("file to write, .csv or .xlsx (default: the screen, as CSV)"))


def _backup_file(parser: argparse.ArgumentParser, _: Translate, _features: Registry) -> None:
    parser.add_argument("file", type=Path, metavar=_("FILE"), help=_("the backup file to write"))


def _restore_file(parser: argparse.ArgumentParser, _: Translate, _features: Registry) -> None:
    parser.add_argument("file", type=Path, metavar=_("FILE"), help=_("the backup file to load"))
    parser.add_argument("--force", action="store_true", help=_("replace a database that already holds data"))


def _mattermost_team(parser: argparse.ArgumentParser, _: Translate, _features: Registry) -> None:
    parser.add_argument("--team", required=True, help=_("the team's name, as in its address (chat.example.org/NAME)"))


CORE = (
    CoreCommand(
        "serve",
        N_("HTTP server for Slack (/slack/events) or Mattermost (/mattermost/...), and GET /healthz"),
        run_platform,
        _port,
    ),
    CoreCommand("console", N_("try Relais in this terminal, whatever the settings say"), run_platform),
    CoreCommand("migrate", N_("apply pending database migrations and exit"), migrate),
    CoreCommand(
        "import",
        N_("load moderation entries from a CSV or .xlsx file"),
        import_command,
        _importing,
        lambda _, features: " ".join(i.describe(_) for i in features.importers.values()),
    ),
    CoreCommand(
        "export",
        N_("write news or moderation entries as CSV or .xlsx"),
        export_command,
        _exporting,
        lambda _, _features: _(
            "Write news or moderation entries as CSV (in French: separated by ;, UTF-8 "
            "with BOM, for Excel) or, for a file ending in .xlsx, as a workbook."
        ),
    ),
    CoreCommand("doctor", N_("check the settings, the database and the platform's setup, one line each"), doctor),
    CoreCommand("backup", N_("copy the database to a file, while Relais runs"), backup_command, _backup_file),
    CoreCommand("restore", N_("load a backup into an empty database"), backup_command, _restore_file),
    CoreCommand(
        "mattermost-setup",
        N_("create the slash commands on a Mattermost team and print their tokens"),
        mattermost_setup,
        _mattermost_team,
    ),
)
