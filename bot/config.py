"""Settings from the environment and `.env`, checked once at start: every
problem is reported on its own line naming the variable, and Relais stops."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import load_dotenv

PLATFORMS = ("console", "slack", "mattermost")
SECRETS = (
    "slack_bot_token",
    "slack_signing_secret",
    "slack_app_token",
    "mattermost_bot_token",
    "mattermost_command_tokens",
)
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ConfigError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _database_url(url: str, problems: list[str]) -> str:
    """A database Relais can open and that keeps what it is given; PostgreSQL addresses
    are read with the psycopg driver Relais ships, whichever way they are written."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    example = "sqlite:///relais.db or postgresql+psycopg://user:password@host/database"
    try:
        parsed = make_url(url)
    except ArgumentError:
        problems.append(f"DATABASE_URL: not a database address (got {url!r}); e.g. {example}")
        return url
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            problems.append(
                "DATABASE_URL: a SQLite database in memory keeps nothing once Relais stops; "
                "give a file, e.g. sqlite:///relais.db"
            )
        return url
    if backend in ("postgresql", "postgres"):
        if parsed.drivername != "postgresql+psycopg":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return parsed.render_as_string(hide_password=False)
    problems.append(f"DATABASE_URL: Relais runs on SQLite or PostgreSQL (got {backend!r}); e.g. {example}")
    return url


def _ids(value: str) -> frozenset[str]:
    return frozenset(v.strip() for v in value.split(",") if v.strip())


@dataclass(frozen=True)
class Settings:
    platform: str = "console"
    database_url: str = "sqlite:///relais.db"
    language: str = "fr"
    timezone: ZoneInfo = ZoneInfo("Europe/Paris")
    cm_queue_channel: str = ""
    team_channel: str = ""
    leaders_channel: str = ""
    cm_users: frozenset[str] = frozenset()
    admin_users: frozenset[str] = frozenset()
    recap_schedule: tuple[str, int, int] = ("mon", 9, 0)
    slack_bot_token: str = field(default="", repr=False)
    slack_signing_secret: str = field(default="", repr=False)
    slack_app_token: str = field(default="", repr=False)
    slack_api_url: str = "https://slack.com/api/"
    mattermost_url: str = ""
    mattermost_bot_token: str = field(default="", repr=False)
    mattermost_command_tokens: frozenset[str] = field(default=frozenset(), repr=False)
    public_url: str = ""
    port: int = 3000
    http_timeout: int = 10
    moderation_retention_days: int = 365
    tick_seconds: int = 10  # how often each instance delivers what is due and takes up what a crash left

    def secrets(self) -> list[str]:
        """Every secret value, so logging can blank them out wherever they appear."""
        values: list[str] = []
        for name in SECRETS:
            value = getattr(self, name)
            values += list(value) if isinstance(value, frozenset) else [value]
        return [v for v in values if v]

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, dotenv: bool = True) -> Settings:
        if env is None:
            if dotenv:
                load_dotenv(os.path.join(os.getcwd(), ".env"))
            env = os.environ
        problems: list[str] = []

        def get(name: str, default: str = "") -> str:
            return env.get(name, default).strip()

        def integer(name: str, default: int) -> int:
            raw = get(name, str(default))
            if not raw.isdigit():
                problems.append(f"{name}: must be a whole number (got {raw!r})")
                return default
            return int(raw)

        platform = get("RELAIS_PLATFORM", "console").lower()
        if platform not in PLATFORMS:
            problems.append(f"RELAIS_PLATFORM: must be one of {', '.join(PLATFORMS)} (got {platform!r})")
        language = get("RELAIS_LANGUAGE", "fr").lower()
        if language not in ("fr", "en"):
            problems.append(f"RELAIS_LANGUAGE: must be fr or en (got {language!r})")
        try:
            tz = ZoneInfo(get("RELAIS_TIMEZONE", "Europe/Paris"))
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(f"RELAIS_TIMEZONE: unknown time zone {get('RELAIS_TIMEZONE')!r} (e.g. Europe/Paris)")
            tz = ZoneInfo("Europe/Paris")
        schedule = get("RECAP_SCHEDULE", "mon 9 0").split()
        recap: tuple[str, int, int] = ("mon", 9, 0)
        if (
            len(schedule) == 3
            and schedule[0].lower() in DAYS
            and schedule[1].isdigit()
            and schedule[2].isdigit()
            and int(schedule[1]) < 24
            and int(schedule[2]) < 60
        ):
            recap = (schedule[0].lower(), int(schedule[1]), int(schedule[2]))
        else:
            problems.append(
                f"RECAP_SCHEDULE: expected 'day hour minute' such as 'mon 9 0' (got {get('RECAP_SCHEDULE')!r})"
            )
        settings = cls(
            platform=platform,
            database_url=_database_url(get("DATABASE_URL", "sqlite:///relais.db"), problems),
            language=language,
            timezone=tz,
            cm_queue_channel=get("CM_QUEUE_CHANNEL"),
            team_channel=get("TEAM_CHANNEL"),
            leaders_channel=get("LEADERS_CHANNEL"),
            cm_users=_ids(get("CM_USERS")),
            admin_users=_ids(get("ADMIN_USERS")),
            recap_schedule=recap,
            slack_bot_token=get("SLACK_BOT_TOKEN"),
            slack_signing_secret=get("SLACK_SIGNING_SECRET"),
            slack_app_token=get("SLACK_APP_TOKEN"),
            slack_api_url=get("SLACK_API_URL", "https://slack.com/api/"),
            mattermost_url=get("MATTERMOST_URL"),
            mattermost_bot_token=get("MATTERMOST_BOT_TOKEN"),
            mattermost_command_tokens=_ids(get("MATTERMOST_COMMAND_TOKENS")),
            public_url=get("RELAIS_PUBLIC_URL"),
            port=integer("PORT", 3000),
            http_timeout=integer("RELAIS_HTTP_TIMEOUT", 10),
            moderation_retention_days=integer("MODERATION_RETENTION_DAYS", 365),
            tick_seconds=max(1, integer("RELAIS_TICK_SECONDS", 10)),
        )
        problems += settings._platform_problems()
        if problems:
            raise ConfigError(problems)
        return settings

    def _platform_problems(self) -> list[str]:
        problems = []
        if self.platform == "mattermost":
            if not self.mattermost_url.startswith(("http://", "https://")):
                problems.append("MATTERMOST_URL: missing or not a web address (e.g. https://chat.example.org)")
            if not self.mattermost_bot_token:
                problems.append("MATTERMOST_BOT_TOKEN: missing (the bot account's access token)")
            if not self.public_url.startswith(("http://", "https://")):
                problems.append("RELAIS_PUBLIC_URL: missing or not a web address (where Mattermost reaches Relais)")
        if self.platform in ("slack", "mattermost"):
            if not self.cm_queue_channel:
                problems.append("CM_QUEUE_CHANNEL: missing (the channel id where news land)")
            if not self.team_channel:
                problems.append("TEAM_CHANNEL: missing (the channel id for the weekly moderation recap)")
        if self.platform == "slack":
            if not self.slack_bot_token.startswith("xoxb-"):
                problems.append("SLACK_BOT_TOKEN: missing or not a bot token (it starts with xoxb-)")
            if self.slack_app_token and not self.slack_app_token.startswith("xapp-"):
                problems.append("SLACK_APP_TOKEN: not an app-level token (it starts with xapp-)")
            if not self.slack_app_token and not self.slack_signing_secret:
                problems.append("SLACK_SIGNING_SECRET: missing (needed to check requests in HTTP mode)")
        return problems
