"""`relais` (== `python -m bot`): run, serve, console, migrate."""

from __future__ import annotations

import argparse
import logging
import sys
from importlib.metadata import version
from pathlib import Path
from typing import NoReturn

from sqlalchemy.exc import OperationalError

from bot import logs
from bot.bootstrap import wall_clock
from bot.config import ConfigError, Settings
from bot.port import PortInUse
from handlers.core.i18n import N_, translator
from handlers.core.ports import ChatError
from handlers.core.registry import Registry
from handlers.features import registry

# argparse's own words, said in the team's language too (argparse looks its `_` up when it speaks).
ARGPARSE = (
    N_("usage: "), N_("positional arguments"), N_("options"), N_("show this help message and exit"),
    N_("the following arguments are required: %s"), N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"), N_("argument %(argument_name)s: %(message)s"),
    N_("expected one argument"), N_("invalid %(type)s value: %(value)r"), N_("show program's version number and exit"),
)  # fmt: skip


class Parser(argparse.ArgumentParser):
    """A mistake on the command line is one line in the team's language and exit code 2."""

    language = "fr"

    def error(self, message: str) -> NoReturn:
        _ = translator(self.language)
        print(_("relais: {problem} (see relais --help)").format(problem=message), file=sys.stderr)
        raise SystemExit(2)


def _parser(language: str, features: Registry | None = None) -> argparse.ArgumentParser:
    """Relais's commands and every sub-command the features declare (`features`: the shipped ones)."""
    _ = translator(language)
    argparse._ = _  # type: ignore[attr-defined]
    Parser.language = language
    parser = Parser(
        prog="relais",
        description=_("Relais: the channel between an association's leaders and its community manager. "
                      "Without a command: runs on the platform of the settings (.env), the console by default."),
    )  # fmt: skip
    parser.add_argument(
        "--version",
        action="version",
        version=f"relais {version('relais')}",
        help=_("show program's version number and exit"),
    )
    sub = parser.add_subparsers(dest="command", title=_("commands"), metavar=_("COMMAND"))
    serve = sub.add_parser(
        "serve",
        help=_("HTTP server for Slack (/slack/events) or Mattermost (/mattermost/...), and GET /healthz"),
        description=_("HTTP server for Slack (/slack/events) or Mattermost (/mattermost/...), and GET /healthz"),
    )
    serve.add_argument("--port", type=int, default=None, help=_("default: PORT from the settings (3000)"))
    for name, said in (
        ("console", _("try Relais in this terminal, whatever the settings say")),
        ("migrate", _("apply pending database migrations and exit")),
    ):
        sub.add_parser(name, help=said, description=said)
    features = features or registry()
    imp = sub.add_parser(
        "import",
        help=_("load moderation entries from a CSV or .xlsx file"),
        description=" ".join(i.describe(_) for i in features.importers.values()),
    )
    imp.add_argument("what", choices=list(features.importers), metavar=_("WHAT"), help=_("what to load: moderation"))
    imp.add_argument("file", type=Path, metavar=_("FILE"), help=_("the file to load"))
    exp = sub.add_parser(
        "export",
        help=_("write news or moderation entries as CSV or .xlsx"),
        description=_(
            "Write news or moderation entries as CSV (in French: separated by ;, UTF-8 with BOM, for Excel) or, "
            "for a file ending in .xlsx, as a workbook."
        ),
    )
    exp.add_argument(
        "what", choices=list(features.exporters), metavar=_("WHAT"), help=_("what to write: news or moderation")
    )
    exp.add_argument("--out", type=Path, help=_("file to write, .csv or .xlsx (default: the screen, as CSV)"))
    for command in features.cli:  # each feature's own sub-commands
        parser_ = sub.add_parser(command.name, help=_(command.help), description=_(command.help))
        command.arguments(parser_, _)
    sub.add_parser(
        "doctor",
        help=_("check the settings, the database and the platform's setup, one line each"),
        description=_("check the settings, the database and the platform's setup, one line each"),
    )
    backup = sub.add_parser(
        "backup",
        help=_("copy the database to a file, while Relais runs"),
        description=_("copy the database to a file, while Relais runs"),
    )
    backup.add_argument("file", type=Path, metavar=_("FILE"), help=_("the backup file to write"))
    restore = sub.add_parser(
        "restore",
        help=_("load a backup into an empty database"),
        description=_("load a backup into an empty database"),
    )
    restore.add_argument("file", type=Path, metavar=_("FILE"), help=_("the backup file to load"))
    restore.add_argument("--force", action="store_true", help=_("replace a database that already holds data"))
    mm = sub.add_parser(
        "mattermost-setup",
        help=_("create the slash commands on a Mattermost team and print their tokens"),
        description=_("create the slash commands on a Mattermost team and print their tokens"),
    )
    mm.add_argument("--team", required=True, help=_("the team's name, as in its address (chat.example.org/NAME)"))
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        settings: Settings | None = Settings.from_env()
        language = settings.language if settings else "fr"
    except ConfigError as exc:
        settings, problems, language = None, exc.problems, exc.language
    args = _parser(language).parse_args(argv)  # --help works even when the settings are wrong
    if settings is None:
        _ = translator(language)
        if args.command == "doctor":  # the doctor's first finding: each problem on its ✗ line
            for problem in problems:
                print(f"✗ {problem}")
            return 1
        for problem in problems:
            print(_("relais: configuration problem: {problem}").format(problem=problem), file=sys.stderr)
        return 2
    console = args.command == "console" or (args.command is None and settings.platform == "console")
    quiet = console or args.command not in (None, "serve")
    logs.setup(
        settings.secrets(),
        logging.WARNING if quiet else logging.INFO,
        tracebacks=not quiet,
        json_lines=settings.log_format == "json",
        libraries=not quiet,
    )

    _ = translator(settings.language)
    try:
        return _run(args, settings, console)
    except IsADirectoryError as exc:
        print(_("relais: {name} is a folder: give a file").format(name=exc.filename), file=sys.stderr)
    except FileNotFoundError as exc:
        print(_("relais: no such file or folder: {name}").format(name=exc.filename), file=sys.stderr)
    except PermissionError as exc:
        print(
            _("relais: not allowed to write or read {name}: check the folder's permissions").format(name=exc.filename),
            file=sys.stderr,
        )
    except ChatError as exc:  # the platform did not answer, or refused
        print(_("relais: {platform} did not answer or refused ({error}): check its settings with relais doctor").format(
            platform=settings.platform.capitalize(), error=exc), file=sys.stderr)  # fmt: skip
    except PortInUse as exc:
        print(_("relais: port {port} is already in use: stop what listens there, or set PORT (or --port)").format(
            port=exc.port), file=sys.stderr)  # fmt: skip
    except KeyboardInterrupt:
        print(_("relais: stopped"), file=sys.stderr)
        return 1
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
    if args.command == "doctor":
        from bot import doctor

        checks = doctor.run(settings)
        for check in checks:
            print(check.line())
        return 0 if all(c.ok for c in checks) else 1
    if args.command in ("backup", "restore"):
        return tasks.backup_command(settings, args.command, args.file, force=getattr(args, "force", False))
    if args.command == "import":
        return tasks.import_command(settings, args.what, args.file)
    if args.command == "export":
        return tasks.export_command(settings, args.what, args.out)
    if args.command in {c.name for c in registry().cli}:
        return tasks.feature_command(settings, args)
    if args.command == "mattermost-setup":
        return tasks.mattermost_setup(settings, args.team)
    if args.command == "migrate":
        from storage.db import make_engine, migrate

        migrate(make_engine(settings.database_url))
        print(_("relais: the database is up to date"))
    elif console:
        from bot import runner  # the servers' modules (Bolt, uvicorn) load only to run one

        runner.console(settings, clock=wall_clock)
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

        runner.serve(settings, getattr(args, "port", None) or settings.port)  # `relais` alone has no --port
    return 0


if __name__ == "__main__":
    sys.exit(main())
