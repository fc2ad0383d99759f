"""The one-shot commands: `relais import`, `export`, each feature's own (`recap`, `forget`), `mattermost-setup`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.bootstrap import Core, bootstrap, team, wall_clock
from bot.config import Settings
from handlers.core.i18n import number, translator
from handlers.core.messages import Message
from handlers.core.ports import Chat
from handlers.core.sheets import Unreadable, Unwritable, check_target
from handlers.core.uow import SqlUnitOfWork
from handlers.features import registry


def _chat(settings: Settings) -> Chat:
    """The platform's chat, for `--post`; the console prints instead."""
    if settings.platform == "slack":
        from bot.platforms.slack_chat import SlackChat, web_client

        return SlackChat(web_client(settings))
    if settings.platform == "mattermost":
        from bot.bootstrap import mattermost_chat

        return mattermost_chat(settings)
    from bot.platforms.console_chat import ConsoleChat, Screen

    return ConsoleChat(Screen(sys.stdout, settings.language), settings.language)


def _core(settings: Settings) -> Core:
    from bot.platforms.console_chat import TEAM

    return bootstrap(
        settings, _chat(settings), team(settings, team_channel=settings.team_channel or TEAM), clock=wall_clock
    )


class Terminal:
    """What the features' CLI sub-commands write to: the screen, as the console shows chat."""

    def __init__(self, language: str) -> None:
        from bot.platforms.console_chat import Screen

        self.out, self.err = sys.stdout, sys.stderr
        self.language = language
        self._screen = Screen(sys.stdout, language)

    def show(self, where: str, message: Message) -> None:
        self._screen.show(where, message)

    def progress(self, path: Path) -> Any:
        return _progress(path, self.language)


def feature_command(settings: Settings, args: argparse.Namespace) -> int:
    """A sub-command a feature declared: its unit of work, and what it owes sent once it returns.
    On the console the cards it updates have nowhere to go but an unseen screen."""
    command = next(c for c in registry().cli if c.name == args.command)
    core = _core(settings)
    uow = SqlUnitOfWork(core.deps)
    code = command.run(uow, args, Terminal(settings.language))
    uow.deliver()
    return code


def import_command(settings: Settings, what: str, path: Path) -> int:
    """Rows refused are listed by line; a file Relais cannot read as it is loads nothing (exit 2)."""
    core = _core(settings)
    lang = settings.language
    _ = translator(lang)
    with _progress(path, lang) as bar:
        try:
            done = core.deps.features.importers[what].run(SqlUnitOfWork(core.deps), "import", path, bar.update)
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


def export_command(settings: Settings, what: str, out: Path | None) -> int:
    """CSV on the screen, or a file: .xlsx by its suffix, else CSV in the team's language."""
    _ = translator(settings.language)
    try:
        check_target(out, settings.language)  # before the database is opened: nothing is written
    except Unwritable as refused:
        print(_("relais: {problem}").format(problem=refused), file=sys.stderr)
        return 2
    core = _core(settings)
    count = core.deps.features.exporters[what].run(SqlUnitOfWork(core.deps), out, sys.stdout)
    print(_("Rows written: {n}.").format(n=number(count, settings.language)), file=sys.stderr)
    return 0


def backup_command(settings: Settings, what: str, path: Path, *, force: bool) -> int:
    """`relais backup FILE` / `relais restore FILE [--force]`: one line saying what was done, or why not."""
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
            restore(settings.database_url, path, force=force)
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


def mattermost_setup(settings: Settings, team_name: str) -> int:
    """Create /news, /cm and the mention hook on a team, and say what to put in .env."""
    from bot.bootstrap import mattermost_chat
    from bot.platforms.mattermost_setup import setup

    if settings.platform != "mattermost":
        print(
            "relais: set RELAIS_PLATFORM=mattermost, MATTERMOST_URL, MATTERMOST_BOT_TOKEN and RELAIS_PUBLIC_URL first",
            file=sys.stderr,
        )
        return 2
    tokens = setup(settings, mattermost_chat(settings).api, team_name, registry())
    _ = translator(settings.language)
    print(
        _(
            "Slash commands /news and /cm and the mention hook are created. Put this line in .env, then run relais serve:"
        )
    )
    print("MATTERMOST_COMMAND_TOKENS=" + ",".join(tokens))
    return 0
