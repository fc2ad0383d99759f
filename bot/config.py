"""Settings from the environment and `.env`, checked once at start: every
problem is reported on its own line naming the variable, and Relais stops."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo

from dotenv import load_dotenv

from bot.core_settings import CORE, LANGUAGE, attribute
from handlers.core.i18n import LANGUAGES, translator
from handlers.core.registry import Setting, SettingError

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


def _read(
    declared: Sequence[Setting[Any]],
    get: Callable[[str, str], str],
    problems: list[str],
    _: Callable[[str], str],
) -> dict[str, Any]:
    """Each setting read as it is declared; a problem names the variable, and the default
    stands in for it while the other problems are found."""
    values: dict[str, Any] = {}
    for setting in declared:
        try:
            values[setting.name] = setting.parse(get(setting.name, setting.default), _)
        except SettingError as problem:
            problems.append(_("{name}: {problem}").format(name=setting.name, problem=problem))
            values[setting.name] = setting.parse(setting.default, _)
    return values


def _shipped_settings() -> Sequence[Setting[Any]]:
    from handlers.features import registry

    return registry().settings


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

    features: Mapping[str, Any] = field(default_factory=lambda: _read(_shipped_settings(), lambda _n, d: d, [], str))

    def with_features(self, **values: Any) -> Settings:
        """These settings with some features' values changed (tests)."""
        return replace(self, features={**self.features, **values})

    def secrets(self) -> list[str]:
        """Every secret value, so logging can blank them out wherever they appear."""
        values: list[str] = []
        for name in SECRETS:
            value = getattr(self, name)
            values += list(value) if isinstance(value, frozenset) else [value]
        values += [str(self.features[s.name]) for s in _shipped_settings() if s.secret and s.name in self.features]
        return [v for v in values if v]

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str] | None = None,
        *,
        dotenv: bool = True,
        declared: Sequence[Setting[Any]] | None = None,
    ) -> Settings:
        """Relais's own settings (bot/core_settings.py) and the features' (`declared`, by
        default those of every shipped feature), each read as declared."""
        if env is None:
            if dotenv:
                load_dotenv(os.path.join(os.getcwd(), ".env"))
            env = os.environ
        problems: list[str] = []

        def get(name: str, default: str = "") -> str:
            return env.get(name, default).strip()

        language = get(LANGUAGE.name, LANGUAGE.default).lower()
        _ = translator(language if language in LANGUAGES else "fr")  # problems are told in the team's language
        core = _read(CORE, get, problems, _)
        features = _read(_shipped_settings() if declared is None else declared, get, problems, _)
        settings = cls(**{attribute(s): core[s.name] for s in CORE}, features=features)
        problems += settings._platform_problems(_)
        if problems:
            raise ConfigError(problems, settings.language)
        return settings

    def _platform_problems(self, _: Callable[[str], str]) -> list[str]:
        """What each platform needs of the other settings (the settings one by one are read above)."""
        problems = []
        if self.platform == "mattermost":
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
