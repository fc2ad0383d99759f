"""Settings from the environment and `.env`, checked once at start: every
problem is reported on its own line naming the variable, and Relais stops."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import load_dotenv

from bot.config_values import country, database_url, ids
from handlers.core.i18n import LANGUAGES, translator
from handlers.core.registry import Setting, SettingError

PLATFORMS = ("console", "slack", "mattermost")
SECRETS = (
    "slack_bot_token",
    "slack_signing_secret",
    "slack_app_token",
    "mattermost_bot_token",
    "mattermost_command_tokens",
)


class ConfigError(Exception):
    def __init__(self, problems: list[str], language: str) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems
        self.language = language  # the one the problems are written in


def _features(
    declared: Sequence[Setting[Any]] | None,
    get: Callable[[str, str], str],
    problems: list[str],
    _: Callable[[str], str],
) -> dict[str, Any]:
    """Each feature's settings, read as the feature declared them; a problem names the variable."""
    if declared is None:
        from handlers.features import registry

        declared = registry().settings
    values: dict[str, Any] = {}
    for setting in declared:
        raw = get(setting.name, setting.default)
        try:
            values[setting.name] = setting.parse(raw, _)
        except SettingError as problem:
            problems.append(f"{setting.name}: {problem}")
            values[setting.name] = setting.parse(setting.default, _)
    return values


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
    holidays_country: str = "FR"
    slack_bot_token: str = field(default="", repr=False)
    slack_signing_secret: str = field(default="", repr=False)
    slack_app_token: str = field(default="", repr=False)
    slack_api_url: str = "https://slack.com/api/"
    mattermost_url: str = ""
    mattermost_bot_token: str = field(default="", repr=False)
    mattermost_command_tokens: frozenset[str] = field(default=frozenset(), repr=False)
    public_url: str = ""
    mattermost_events: str = "websocket"  # websocket (mentions anywhere, DMs) or webhook (public channels)
    port: int = 3000
    http_timeout: int = 10
    log_format: str = "text"  # text, or json: one JSON object per line
    tick_seconds: int = 10  # how often each instance delivers what is due and takes up what a crash left

    features: Mapping[str, Any] = field(default_factory=lambda: _features(None, lambda _n, d: d, [], str))

    def with_features(self, **values: Any) -> Settings:
        """These settings with some features' values changed (tests)."""
        return replace(self, features={**self.features, **values})

    def secrets(self) -> list[str]:
        """Every secret value, so logging can blank them out wherever they appear."""
        values: list[str] = []
        for name in SECRETS:
            value = getattr(self, name)
            values += list(value) if isinstance(value, frozenset) else [value]
        return [v for v in values if v]

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str] | None = None,
        *,
        dotenv: bool = True,
        declared: Sequence[Setting[Any]] | None = None,
    ) -> Settings:
        """`declared`: the features' settings (default: those of every shipped feature)."""
        if env is None:
            if dotenv:
                load_dotenv(os.path.join(os.getcwd(), ".env"))
            env = os.environ
        problems: list[str] = []

        def get(name: str, default: str = "") -> str:
            return env.get(name, default).strip()

        language = get("RELAIS_LANGUAGE", "fr").lower()
        _ = translator(language if language in LANGUAGES else "fr")  # problems are told in the team's language
        if language not in LANGUAGES:
            problems.append(_("RELAIS_LANGUAGE: must be fr or en (got {got})").format(got=repr(language)))

        def integer(name: str, default: int) -> int:
            raw = get(name, str(default))
            if not raw.isdigit():
                problems.append(_("{name}: must be a whole number (got {got})").format(name=name, got=repr(raw)))
                return default
            return int(raw)

        platform = get("RELAIS_PLATFORM", "console").lower()
        if platform not in PLATFORMS:
            problems.append(
                _("RELAIS_PLATFORM: must be one of {choices} (got {got})").format(
                    choices=", ".join(PLATFORMS), got=repr(platform)
                )
            )
        try:
            tz = ZoneInfo(get("RELAIS_TIMEZONE", "Europe/Paris"))
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(
                _("RELAIS_TIMEZONE: unknown time zone {got} (e.g. Europe/Paris)").format(
                    got=repr(get("RELAIS_TIMEZONE"))
                )
            )
            tz = ZoneInfo("Europe/Paris")
        settings = cls(
            platform=platform,
            database_url=database_url(get("DATABASE_URL", "sqlite:///relais.db"), problems, _),
            language=language,
            timezone=tz,
            cm_queue_channel=get("CM_QUEUE_CHANNEL"),
            team_channel=get("TEAM_CHANNEL"),
            leaders_channel=get("LEADERS_CHANNEL"),
            cm_users=ids(get("CM_USERS")),
            admin_users=ids(get("ADMIN_USERS")),
            holidays_country=country(get("HOLIDAYS_COUNTRY", "FR").upper(), problems, _),
            slack_bot_token=get("SLACK_BOT_TOKEN"),
            slack_signing_secret=get("SLACK_SIGNING_SECRET"),
            slack_app_token=get("SLACK_APP_TOKEN"),
            slack_api_url=get("SLACK_API_URL", "https://slack.com/api/"),
            mattermost_url=get("MATTERMOST_URL"),
            mattermost_bot_token=get("MATTERMOST_BOT_TOKEN"),
            mattermost_command_tokens=ids(get("MATTERMOST_COMMAND_TOKENS")),
            public_url=get("RELAIS_PUBLIC_URL"),
            mattermost_events=get("MATTERMOST_EVENTS", "websocket").lower(),
            port=integer("PORT", 3000),
            http_timeout=integer("RELAIS_HTTP_TIMEOUT", 10),
            tick_seconds=max(1, integer("RELAIS_TICK_SECONDS", 10)),
            log_format=get("LOG_FORMAT", "text").lower(),
            features=_features(declared, get, problems, _),
        )
        problems += settings._platform_problems(_)
        if problems:
            raise ConfigError(problems, language if language in LANGUAGES else "fr")
        return settings

    def _platform_problems(self, _: Callable[[str], str]) -> list[str]:
        problems = []
        if self.log_format not in ("text", "json"):
            problems.append(_("LOG_FORMAT: text or json (got {got})").format(got=repr(self.log_format)))
        if self.platform == "mattermost":
            if self.mattermost_events not in ("websocket", "webhook"):
                problems.append(
                    _("MATTERMOST_EVENTS: websocket or webhook (got {got})").format(got=repr(self.mattermost_events))
                )
            if not self.mattermost_url.startswith(("http://", "https://")):
                problems.append(_("MATTERMOST_URL: missing or not a web address (e.g. https://chat.example.org)"))
            if not self.mattermost_bot_token:
                problems.append(_("MATTERMOST_BOT_TOKEN: missing (the bot account's access token)"))
            if not self.public_url.startswith(("http://", "https://")):
                problems.append(_("RELAIS_PUBLIC_URL: missing or not a web address (where Mattermost reaches Relais)"))
        if self.platform in ("slack", "mattermost"):
            if not self.cm_queue_channel:
                problems.append(_("CM_QUEUE_CHANNEL: missing (the channel id where news land)"))
            if not self.team_channel:
                problems.append(_("TEAM_CHANNEL: missing (the channel id for the weekly moderation recap)"))
        if self.platform == "slack":
            if not self.slack_bot_token.startswith("xoxb-"):
                problems.append(_("SLACK_BOT_TOKEN: missing or not a bot token (it starts with xoxb-)"))
            if self.slack_app_token and not self.slack_app_token.startswith("xapp-"):
                problems.append(_("SLACK_APP_TOKEN: not an app-level token (it starts with xapp-)"))
            if not self.slack_app_token and not self.slack_signing_secret:
                problems.append(_("SLACK_SIGNING_SECRET: missing (needed to check requests in HTTP mode)"))
        return problems
