"""How each way of running Relais is put together from the settings."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import Callable, Iterable
from typing import Any, TextIO, TypeVar

from slack_bolt.async_app import AsyncApp
from starlette.applications import Starlette

from bot.bootstrap import Clock, Core, bootstrap, platform_core, team, wall_clock
from bot.config import Settings
from bot.intake import HandOn, Intake
from bot.port import ensure_free
from bot.scheduler import Ticker
from bot.web import Health, create_app
from handlers.core import inbox
from handlers.core.inbound import Inbound, Submission
from handlers.core.ports import ChatError
from handlers.features import Register
from handlers.watch import checks as watch_checks

C = TypeVar("C")

log = logging.getLogger("relais")


def console(
    settings: Settings,
    *,
    read: Callable[[str], str] = input,
    out: TextIO = sys.stdout,
    clock: Clock,
) -> None:
    """The console, with the instance's ticker running as in `relais serve`: reminders,
    digests, the call for news and the recap are printed when due while it is open, and
    what fell due while it was closed is caught up at start with the server's rules.
    `clock` moves time in tests."""
    from bot.platforms import console as console_platform
    from bot.platforms.console_chat import QUEUE, TEAM, ConsoleChat, Screen

    cm_users, admin_users = console_platform.console_team_users(settings.cm_users, settings.admin_users)
    console_team = team(
        settings,
        queue_channel=settings.cm_queue_channel or QUEUE,
        team_channel=settings.team_channel or TEAM,
        cm_users=cm_users,
        admin_users=admin_users,
    )
    screen = Screen(out, settings.language)
    core = bootstrap(settings, ConsoleChat(screen, settings.language), console_team, clock=clock)
    ticker = Ticker(core).start()
    try:
        console_platform.Console(core.deps, screen, read).run()
    finally:
        ticker.stop()


def local_intake(core: Core, hand_on: HandOn | None = None) -> Intake:
    """The intake of a process that holds the whole of Relais: forms are checked here, and
    requests processed in a worker thread here, or handed on (`hand_on`)."""
    deps = core.deps

    def store(requests: list[tuple[str, Inbound]]) -> list[int | None]:
        return inbox.receive_many(deps, requests)

    async def validate(form: Submission) -> dict[str, str]:
        return await asyncio.to_thread(inbox.verdict, deps, form)

    if hand_on is not None:
        return Intake(store, hand_on, validate)
    return Intake(store, lambda item: inbox.take_up(deps, *item), validate, in_thread=True)


def health(core: Core, listening: Callable[[], dict[str, Any]] | None = None) -> Health:
    settings = core.settings
    sources = watch_checks.configured(core.deps.team)
    return Health(core.engine, core.deps.clock, settings.platform, settings.tick_seconds, sources, listening)


def slack_app(
    settings: Settings, features: Iterable[Register] = (), hand_on: HandOn | None = None, *, clock: Clock
) -> tuple[Core, AsyncApp]:
    from bot.platforms import slack

    core = platform_core(settings, features, clock=clock)
    return core, slack.build_app(settings, local_intake(core, hand_on))


def chat_of(core: Core, kind: type[C]) -> C:
    """The core's chat port as the platform's own adapter (bootstrap.chat_for chose it from
    the same settings): its routes need what only that platform's port has."""
    chat = core.deps.chat
    if not isinstance(chat, kind):
        raise TypeError(f"{core.settings.platform} needs {kind.__name__}, not {type(chat).__name__}")
    return chat


def with_scheduler(core: Core) -> Callable[[], Callable[[], None]]:
    """Start the instance's ticker when the server starts; the result stops it."""

    def start() -> Callable[[], None]:
        return Ticker(core).start().stop

    return start


def http_app(
    settings: Settings, features: Iterable[Register] = (), hand_on: HandOn | None = None, *, clock: Clock
) -> tuple[Core, Starlette]:
    """The app of a process that holds the whole of Relais: Slack's endpoint, or
    Mattermost's, and /healthz. `features` adds to the shipped ones (see
    handlers/features.py). With `hand_on`, requests are processed and the ticker runs
    elsewhere (the worker processes). `relais serve` on Slack runs bot/front.py instead."""

    def on_start(core: Core) -> Callable[[], Callable[[], None]] | None:
        return None if hand_on else with_scheduler(core)

    if settings.platform == "mattermost":
        from bot.platforms.mattermost_chat import MattermostChat
        from bot.platforms.mattermost_routes import routes

        core = platform_core(settings, features, clock=clock)
        intake, chat = local_intake(core, hand_on), chat_of(core, MattermostChat)
        extra = routes(settings, core.deps, chat, intake)
        if settings.mattermost_events != "websocket":
            return core, create_app(health(core), extra=extra, on_start=on_start(core))
        from bot.platforms.mattermost_events import Events

        events = Events(chat.api, settings.mattermost_bot_token, intake)
        app = create_app(health(core, events.status), extra=extra, on_start=on_start(core), listen=events.run)
        return core, app
    core, bolt = slack_app(settings, features, hand_on, clock=clock)
    return core, create_app(health(core), slack=(settings, bolt), on_start=on_start(core))


def serve(settings: Settings, port: int) -> None:
    """The HTTP process acks and stores; forked worker processes process what was
    stored, and the first runs the ticker (bot/worker.py), so the work never slows
    the acks down."""
    import multiprocessing

    import uvicorn

    from bot import worker
    from bot.handover import Handover

    ensure_free(port)  # before anything starts, and before "listening" is said
    forking = multiprocessing.get_context("fork")
    handover = Handover(forking)
    core, app = http_app(settings, hand_on=handover.put, clock=wall_clock)
    core.engine.dispose()  # no database connection crosses the fork
    workers = worker.start(settings, handover, os.getpid(), first=True)
    from bot import doctor

    doctor.log_checks(settings)
    log.info("Relais listening on port %s (%s)", port, settings.platform)
    # SIGTERM: uvicorn stops taking requests and finishes those in flight (acks included), then
    # the workers finish the rows in hand; the rows nobody took are freed for the next start.
    # uvicorn raises the signal again once it has stopped; this handler (restored by it) lets us go on.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: None)
    signal.signal(signal.SIGINT, lambda _signum, _frame: None)  # Ctrl-C: the same clean stop
    uvicorn.run(app, host="0.0.0.0", port=port, log_level="warning", timeout_graceful_shutdown=4)
    worker.stop(workers)
    inbox.release(core.deps)
    log.info("Relais stopped")


def socket_mode(settings: Settings) -> None:
    from bot import doctor
    from bot.platforms.slack import socket_mode_handler

    doctor.log_checks(settings)
    core, app = slack_app(settings, clock=wall_clock)
    stop = with_scheduler(core)()
    log.info("Relais connecting to Slack in Socket Mode")

    async def connect() -> None:
        """Connected until SIGTERM or Ctrl-C, then closed as cleanly as `relais serve` stops."""
        handler = socket_mode_handler(app, settings.slack_app_token)
        stopping, loop = asyncio.Event(), asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stopping.set)
        try:
            await handler.connect_async()
        except Exception as exc:  # Slack unreachable or the app token refused: one line, and a restart retries
            raise ChatError(f"apps.connections.open: {type(exc).__name__}") from None
        await stopping.wait()
        await handler.close_async()

    try:
        asyncio.run(connect())
    finally:
        stop()
        inbox.release(core.deps)
    log.info("Relais stopped")
