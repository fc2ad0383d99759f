"""How each way of running Relais is put together from the settings."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable

from slack_bolt.async_app import AsyncApp
from starlette.applications import Starlette

from bot.bootstrap import Core, bootstrap, team
from bot.config import Settings
from bot.scheduler import Ticker
from bot.web import create_app
from handlers.features import Register

log = logging.getLogger("relais")


def console(settings: Settings) -> None:
    from bot.platforms import console as console_platform

    cm_users, admin_users = console_platform.console_team_users(settings.cm_users, settings.admin_users)
    console_team = team(
        settings,
        queue_channel=settings.cm_queue_channel or console_platform.QUEUE,
        team_channel=settings.team_channel or console_platform.TEAM,
        cm_users=cm_users,
        admin_users=admin_users,
    )
    console_platform.run(lambda chat: bootstrap(settings, chat, console_team).deps, settings.language)


def slack_app(settings: Settings, features: Iterable[Register] = ()) -> tuple[Core, AsyncApp]:
    from bot.platforms import slack

    chat = slack.SlackChat(slack.web_client(settings))
    core = bootstrap(settings, chat, features=features)
    return core, slack.build_app(settings, core.deps, chat)


def with_scheduler(core: Core) -> Callable[[], Callable[[], None]]:
    """Start the instance's ticker when the server starts; the result stops it."""

    def start() -> Callable[[], None]:
        return Ticker(core).start().stop

    return start


def mattermost_chat(settings: Settings):  # type: ignore[no-untyped-def]
    from bot.platforms.mattermost import MattermostChat
    from bot.platforms.mattermost_api import MattermostAPI

    api = MattermostAPI(settings.mattermost_url, settings.mattermost_bot_token, timeout=settings.http_timeout)
    return MattermostChat(api, public_url=settings.public_url, bot_token=settings.mattermost_bot_token)


def http_app(settings: Settings, features: Iterable[Register] = ()) -> tuple[Core, Starlette]:
    """The app `relais serve` runs: Slack's endpoint, or Mattermost's, and /healthz.
    `features` adds to the shipped ones (see handlers/features.py)."""
    if settings.platform == "mattermost":
        from bot.platforms.mattermost import routes

        chat = mattermost_chat(settings)
        core = bootstrap(settings, chat, features=features)
        return core, create_app(core, extra=routes(settings, core.deps, chat), on_start=with_scheduler(core))
    core, app = slack_app(settings, features)
    return core, create_app(core, slack=app, on_start=with_scheduler(core))


def serve(settings: Settings, port: int) -> None:
    import uvicorn

    _core, app = http_app(settings)
    log.info("Relais listening on port %s (%s)", port, settings.platform)
    uvicorn.run(app, host="0.0.0.0", port=port, log_level="warning")


def socket_mode(settings: Settings) -> None:
    from bot.platforms.slack import socket_mode_handler

    core, app = slack_app(settings)
    stop = with_scheduler(core)()
    log.info("Relais connecting to Slack in Socket Mode")

    async def connect() -> None:
        await socket_mode_handler(app, settings.slack_app_token).start_async()

    try:
        asyncio.run(connect())
    except KeyboardInterrupt:
        pass
    finally:
        stop()
