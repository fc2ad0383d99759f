"""The composition root: settings in, the real objects out (cosmicpython's bootstrap())."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from bot.config import Settings
from handlers.core.context import Team
from handlers.core.deps import Deps
from handlers.core.ports import Chat

if TYPE_CHECKING:
    from bot.platforms.mattermost_chat import MattermostChat
from handlers.features import Register, registry
from storage.db import make_engine, make_sessions, migrate

Clock = Callable[[], datetime]


def wall_clock() -> datetime:
    """The real time: production entry points hand it in (bot/cli.py, the workers);
    tests hand in a clock of their own (tests/conftest.py's TestClock)."""
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Core:
    settings: Settings
    engine: Engine
    deps: Deps


def team(
    settings: Settings,
    *,
    queue_channel: str | None = None,
    team_channel: str | None = None,
    cm_users: frozenset[str] | None = None,
    admin_users: frozenset[str] | None = None,
) -> Team:
    return Team(
        queue_channel=queue_channel or settings.cm_queue_channel,
        team_channel=team_channel or settings.team_channel,
        language=settings.language,
        timezone=settings.timezone,
        cm_users=cm_users if cm_users is not None else settings.cm_users,
        admin_users=admin_users if admin_users is not None else settings.admin_users,
        leaders_channel=settings.leaders_channel,
        holidays_country=settings.holidays_country,
        settings=settings.features,
    )


def bootstrap(
    settings: Settings,
    chat: Chat,
    team_: Team | None = None,
    features: Iterable[Register] = (),
    *,
    clock: Clock,
    migrations: bool = True,
) -> Core:
    """Open the database, apply pending migrations, wire the features to a platform.
    `features` adds to the shipped ones (a test's own feature, for instance)."""
    engine = make_engine(settings.database_url)
    declared = registry(features)
    if migrations:
        migrate(engine, declared.migrations)
    deps = Deps(
        db=make_sessions(engine, clock),
        chat=chat,
        team=team_ or team(settings),
        features=declared,
        clock=clock,
    )
    return Core(settings=settings, engine=engine, deps=deps)


def mattermost_chat(settings: Settings) -> MattermostChat:
    """The Mattermost chat port; the platform's modules load only when it is used."""
    from bot.platforms.mattermost_api import MattermostAPI
    from bot.platforms.mattermost_chat import MattermostChat

    api = MattermostAPI(settings.mattermost_url, settings.mattermost_bot_token, timeout=settings.http_timeout)
    return MattermostChat(api, public_url=settings.public_url, bot_token=settings.mattermost_bot_token)


def chat_for(settings: Settings) -> Chat:
    """The settings' platform, chosen here only: Slack, Mattermost, or the console's
    screen (what a CLI sub-command posts is printed)."""
    if settings.platform == "mattermost":
        return mattermost_chat(settings)
    if settings.platform == "slack":
        from bot.platforms.slack_chat import SlackChat, web_client

        return SlackChat(web_client(settings))
    from bot.platforms.console_chat import ConsoleChat, Screen

    return ConsoleChat(Screen(sys.stdout, settings.language), settings.language)


def platform_core(
    settings: Settings, features: Iterable[Register] = (), *, clock: Clock, migrations: bool = True
) -> Core:
    """The settings' chat, wired to the database and the features."""
    return bootstrap(settings, chat_for(settings), features=features, clock=clock, migrations=migrations)
