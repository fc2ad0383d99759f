"""`relais` (== `python -m bot`): run, serve, console, migrate."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from bot import logs
from bot.bootstrap import Core, bootstrap, team
from bot.config import ConfigError, Settings

log = logging.getLogger("relais")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="relais", description="Relais: the channel between an association's leaders and its community manager.")
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
    logs.setup(settings.secrets(), logging.WARNING if _is_console(args, settings) else logging.INFO)
    if args.command == "migrate":
        from storage.db import make_engine, migrate

        migrate(make_engine(settings.database_url))
        print("relais: database is up to date")
        return 0
    if _is_console(args, settings):
        return _console(settings)
    if settings.platform == "slack" and settings.slack_app_token and args.command != "serve":
        return _socket_mode(settings)
    return _serve(settings, args.port or settings.port)


def _is_console(args: argparse.Namespace, settings: Settings) -> bool:
    return args.command == "console" or (args.command is None and settings.platform == "console")


def _console(settings: Settings) -> int:
    from bot.platforms import console

    cm_users, admin_users = console.console_team_users(settings.cm_users, settings.admin_users)
    console_team = team(settings, queue_channel=settings.cm_queue_channel or console.QUEUE, cm_users=cm_users, admin_users=admin_users)
    console.run(lambda chat: bootstrap(settings, chat, console_team).deps)
    return 0


def _slack(settings: Settings) -> tuple[Core, object]:
    from bot.platforms import slack

    chat = slack.SlackChat(slack.web_client(settings))
    core = bootstrap(settings, chat)
    return core, slack.build_app(settings, core.deps, chat)


def _with_scheduler(core: Core):  # type: ignore[no-untyped-def]
    def start():  # type: ignore[no-untyped-def]
        from bot import scheduler

        running = scheduler.start(core)
        return lambda: running.shutdown(wait=False)

    return start


def _serve(settings: Settings, port: int) -> int:
    import uvicorn

    from bot.web import create_app

    if settings.platform != "slack":
        print("relais: serve needs RELAIS_PLATFORM=slack (or use `relais console`)", file=sys.stderr)
        return 2
    core, app = _slack(settings)
    log.info("Relais listening on port %s (Slack HTTP mode)", port)
    uvicorn.run(create_app(core, slack=app, on_start=_with_scheduler(core)), host="0.0.0.0", port=port, log_level="warning")  # type: ignore[arg-type]
    return 0


def _socket_mode(settings: Settings) -> int:
    from bot.platforms.slack import run_socket_mode

    core, app = _slack(settings)
    stop = _with_scheduler(core)()
    log.info("Relais connected to Slack in Socket Mode")
    try:
        asyncio.run(run_socket_mode(app, settings.slack_app_token))  # type: ignore[arg-type]
    except KeyboardInterrupt:
        pass
    finally:
        stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
