"""`relais` (== `python -m bot`): run, serve, console, migrate."""

from __future__ import annotations

import argparse
import logging
import sys

from bot import logs
from bot.config import ConfigError, Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="relais", description="Relais: the channel between an association's leaders and its community manager."
    )
    sub = parser.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="HTTP server for Slack (POST /slack/events) and GET /healthz")
    serve.add_argument("--port", type=int, default=None, help="default: PORT from the settings (3000)")
    sub.add_parser("console", help="try Relais in this terminal, whatever the settings say")
    sub.add_parser("migrate", help="apply pending database migrations and exit")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"relais: configuration problem: {problem}", file=sys.stderr)
        return 2
    console = args.command == "console" or (args.command is None and settings.platform == "console")
    logs.setup(settings.secrets(), logging.WARNING if console else logging.INFO)

    from bot import runner

    if args.command == "migrate":
        from storage.db import make_engine, migrate

        migrate(make_engine(settings.database_url))
        print("relais: the database is up to date")
    elif console:
        runner.console(settings)
    elif settings.platform != "slack":
        print("relais: this command needs RELAIS_PLATFORM=slack (or try `relais console`)", file=sys.stderr)
        return 2
    elif settings.slack_app_token and args.command is None:
        runner.socket_mode(settings)
    else:
        runner.serve(settings, args.port or settings.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
