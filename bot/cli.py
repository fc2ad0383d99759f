"""The command line of `relais` (bot/__main__.py). Its sub-commands are declared:
Relais's own in bot/cli_commands.py (CORE), the features' in their folders."""

from __future__ import annotations

import argparse
import logging
import sys
from importlib.metadata import version
from typing import NoReturn

from sqlalchemy.exc import OperationalError

from bot import logs
from bot.cli_commands import CORE, feature_command, run_platform
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


def _parser(language: str, features: Registry) -> argparse.ArgumentParser:
    """Relais's own sub-commands (bot/cli_commands.py's CORE) and every one the features declare."""
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
    for core in CORE:
        described = core.description(_, features) if core.description else _(core.help)
        core.arguments(sub.add_parser(core.name, help=_(core.help), description=described), _, features)
    for command in features.cli:  # each feature's own sub-commands
        command.arguments(sub.add_parser(command.name, help=_(command.help), description=_(command.help)), _)
    return parser


def main(argv: list[str] | None = None) -> int:
    features = registry()
    try:
        settings: Settings | None = Settings.from_env(declared=features.settings)
        language = settings.language if settings else "fr"
    except ConfigError as exc:
        settings, problems, language = None, exc.problems, exc.language
    args = _parser(language, features).parse_args(argv)  # --help works even when the settings are wrong
    if settings is None:
        _ = translator(language)
        if args.command == "doctor":  # the doctor's first finding: each problem on its ✗ line
            for problem in problems:
                print(f"✗ {problem}")
            return 1
        for problem in problems:
            print(_("relais: configuration problem: {problem}").format(problem=problem), file=sys.stderr)
        return 2
    quiet = args.command not in (None, "serve") or settings.platform == "console"
    logs.setup(
        settings.secrets(),
        logging.WARNING if quiet else logging.INFO,
        tracebacks=not quiet,
        json_lines=settings.log_format == "json",
        libraries=not quiet,
    )
    try:
        return _run(settings, args, features)
    except Exception as exc:  # each known failure is one line; the rest is raised
        said = _failure(exc, settings)
        if said is None:
            raise
        print(said, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        _ = translator(settings.language)
        print(_("relais: stopped"), file=sys.stderr)
        return 1


def _run(settings: Settings, args: argparse.Namespace, features: Registry) -> int:
    """The sub-command asked for: Relais's own, a feature's, or none (run on the settings' platform)."""
    core = {c.name: c for c in CORE}.get(args.command or "")
    if core is not None:
        return core.run(settings, args, features)
    declared = next((c for c in features.cli if c.name == args.command), None)
    if declared is not None:
        return feature_command(settings, args, declared)
    return run_platform(settings, args, features)


def _failure(exc: Exception, settings: Settings) -> str | None:
    """The one line a known failure gets, in the team's language; None for the unknown."""
    _ = translator(settings.language)
    name = getattr(exc, "filename", "")
    match exc:
        case IsADirectoryError():
            return _("relais: {name} is a folder: give a file").format(name=name)
        case FileNotFoundError():
            return _("relais: no such file or folder: {name}").format(name=name)
        case PermissionError():
            return _("relais: not allowed to write or read {name}: check the folder's permissions").format(name=name)
        case ChatError():  # the platform did not answer, or refused
            return _("relais: {platform} did not answer or refused ({error}): check its settings with relais doctor"
                     ).format(platform=settings.platform.capitalize(), error=exc)  # fmt: skip
        case PortInUse():
            return _("relais: port {port} is already in use: stop what listens there, or set PORT (or --port)"
                     ).format(port=exc.port)  # fmt: skip
        case OperationalError():  # the database cannot be opened or written
            reason = str(exc.orig).splitlines()[0] if exc.orig else type(exc).__name__
            return _("relais: the database cannot be used ({reason}): check DATABASE_URL and its folder").format(
                reason=reason
            )
    return None
