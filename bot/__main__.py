"""`relais` (== `python -m bot`): run, serve, console, migrate."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from sqlalchemy.exc import OperationalError

from bot import logs
from bot.config import ConfigError, Settings
from handlers.core.i18n import translator


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="relais", description="Relais: the channel between an association's leaders and its community manager."
    )
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser(
        "serve", help="HTTP server for Slack (/slack/events) or Mattermost (/mattermost/...), and GET /healthz"
    )
    serve.add_argument("--port", type=int, default=None, help="default: PORT from the settings (3000)")
    sub.add_parser("console", help="try Relais in this terminal, whatever the settings say")
    sub.add_parser("migrate", help="apply pending database migrations and exit")
    recap = sub.add_parser("recap", help="print a week's moderation recap (default: last week)")
    recap.add_argument("--week", help="ISO week, e.g. 2026-W47")
    recap.add_argument("--post", action="store_true", help="post it to TEAM_CHANNEL instead of printing it")
    imp = sub.add_parser("import", help="load moderation entries from a CSV file (columns: see README)")
    imp.add_argument("what", choices=["moderation"])
    imp.add_argument("file", type=Path)
    exp = sub.add_parser("export", help="write news or moderation entries as CSV")
    exp.add_argument("what", choices=["news", "moderation"])
    exp.add_argument("--out", type=Path, help="file to write (default: the screen)")
    forget = sub.add_parser("forget", help="remove an author's name and links from the moderation log")
    forget.add_argument("--author", required=True)
    mm = sub.add_parser(
        "mattermost-setup", help="create the slash commands on a Mattermost team and print their tokens"
    )
    mm.add_argument("--team", required=True, help="the team's name, as in its address (chat.example.org/NAME)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        _ = translator(exc.language)
        for problem in exc.problems:
            print(_("relais: configuration problem: {problem}").format(problem=problem), file=sys.stderr)
        return 2
    console = args.command == "console" or (args.command is None and settings.platform == "console")
    quiet = console or args.command in ("recap", "import", "export", "forget", "migrate", "mattermost-setup")
    logs.setup(settings.secrets(), logging.WARNING if quiet else logging.INFO, tracebacks=not quiet)

    _ = translator(settings.language)
    try:
        return _run(args, settings, console)
    except FileNotFoundError as exc:
        print(_("relais: no such file or folder: {name}").format(name=exc.filename), file=sys.stderr)
    except PermissionError as exc:
        print(
            _("relais: not allowed to write or read {name}: check the folder's permissions").format(name=exc.filename),
            file=sys.stderr,
        )
    except OperationalError as exc:  # the database cannot be opened or written
        reason = str(exc.orig).splitlines()[0] if exc.orig else type(exc).__name__
        print(
            _("relais: the database cannot be used ({reason}): check DATABASE_URL and its folder").format(
                reason=reason
            ),
            file=sys.stderr,
        )
    return 2


def _run(args: argparse.Namespace, settings: Settings, console: bool) -> int:
    from bot import cli_commands as tasks

    _ = translator(settings.language)
    if args.command == "serve" and settings.platform == "console":
        print(
            _(
                "relais: `relais serve` answers Slack or Mattermost: set RELAIS_PLATFORM=slack or mattermost "
                "(see .env.example), or run `relais` alone to try Relais in this terminal"
            ),
            file=sys.stderr,
        )
        return 2
    if args.command == "recap":
        return tasks.recap_command(settings, args.week, args.post)
    if args.command == "import":
        return tasks.import_command(settings, args.file)
    if args.command == "export":
        return tasks.export_command(settings, args.what, args.out)
    if args.command == "forget":
        return tasks.forget_command(settings, args.author)
    if args.command == "mattermost-setup":
        return tasks.mattermost_setup(settings, args.team)
    if args.command == "migrate":
        from storage.db import make_engine, migrate

        migrate(make_engine(settings.database_url))
        print(_("relais: the database is up to date"))
    elif console:
        from bot import runner  # the servers' modules (Bolt, uvicorn) load only to run one

        runner.console(settings)
    elif settings.platform == "mattermost" and not settings.mattermost_command_tokens:
        print(
            _("relais: MATTERMOST_COMMAND_TOKENS is empty: run `relais mattermost-setup --team NAME` first"),
            file=sys.stderr,
        )
        return 2
    elif settings.platform == "slack" and settings.slack_app_token and args.command is None:
        from bot import runner

        runner.socket_mode(settings)
    else:
        from bot import runner

        runner.serve(settings, args.port or settings.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
