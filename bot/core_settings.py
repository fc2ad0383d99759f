"""Relais's own settings, declared as the features declare theirs: the variable, its
default as written in `.env`, how it is read (`parse(raw, _)` raises SettingError with
one line in the team's language) and one help line. `Settings` (config.py) holds their
values, typed, each under the variable's name in lower case without `RELAIS_`.
`python scripts/settings.py` writes their table in docs/settings.md."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.config_values import country, database_url, ids
from handlers.core.declarations import Translate
from handlers.core.registry import Setting, SettingError
from handlers.core.schedule import as_written, whole_number

PLATFORMS = ("console", "slack", "mattermost")


def one_of(*allowed: str) -> Callable[[str, Translate], str]:
    """A word among `allowed`, in any case."""

    def read(raw: str, _: Translate) -> str:
        if raw.lower() not in allowed:
            raise SettingError(
                _("must be one of {choices} (got {got})").format(choices=", ".join(allowed), got=repr(raw))
            )
        return raw.lower()

    return read


def time_zone(raw: str, _: Translate) -> ZoneInfo:
    try:
        return ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingError(_("unknown time zone {got} (e.g. Europe/Paris)").format(got=repr(raw))) from None


def id_list(raw: str, _: Translate) -> frozenset[str]:
    return ids(raw)


LANGUAGE = Setting("RELAIS_LANGUAGE", "fr", one_of("fr", "en"), "the team's language, `fr` or `en`")
CORE: tuple[Setting[Any], ...] = (
    Setting("RELAIS_PLATFORM", "console", one_of(*PLATFORMS), "`slack`, `mattermost` or `console`"),
    Setting("DATABASE_URL", "sqlite:///relais.db", database_url, "a SQLite file or a PostgreSQL address"),
    LANGUAGE,
    Setting("RELAIS_TIMEZONE", "Europe/Paris", time_zone, "the time zone of every schedule and date"),
    Setting("CM_QUEUE_CHANNEL", "", as_written,
            "the channel id where news and negative messages land for the CM (required but in the console)"),
    Setting("TEAM_CHANNEL", "", as_written, "the channel id of the weekly moderation recap"),
    Setting("LEADERS_CHANNEL", "", as_written,
            "the leaders' channel: the weekly call for news and tips (empty: not posted)"),
    Setting("CM_USERS", "", id_list, "the community managers' user ids, comma-separated"),
    Setting("ADMIN_USERS", "", id_list, "the administrators' user ids, comma-separated"),
    Setting("HOLIDAYS_COUNTRY", "FR", country, "no reminder on this country's public holidays (empty: none)"),
    Setting("SLACK_BOT_TOKEN", "", as_written, "the Slack app's bot token (`xoxb-`)"),
    Setting("SLACK_SIGNING_SECRET", "", as_written, "the Slack app's signing secret (HTTP mode)"),
    Setting("SLACK_APP_TOKEN", "", as_written, "an `xapp-` token: Socket Mode; empty: HTTP mode"),
    Setting("SLACK_API_URL", "https://slack.com/api/", as_written, "the Web API's address (the tests point it at their fake)"),
    Setting("MATTERMOST_URL", "", as_written, "the Mattermost server"),
    Setting("MATTERMOST_BOT_TOKEN", "", as_written, "the Mattermost bot account's token"),
    Setting("MATTERMOST_COMMAND_TOKENS", "", id_list,
            "the slash commands' tokens (`relais mattermost-setup` prints them)"),
    Setting("RELAIS_PUBLIC_URL", "", as_written, "where Mattermost calls Relais back for buttons and forms"),
    Setting("MATTERMOST_EVENTS", "websocket", one_of("websocket", "webhook"),
            "how Relais hears posts: `websocket` (mentions anywhere it is a member, direct messages) "
            "or `webhook` (the outgoing webhook: public channels only)"),
    Setting("PORT", "3000", whole_number(), "the HTTP port of `relais serve`"),
    Setting("RELAIS_HTTP_TIMEOUT", "10", whole_number(),
            "seconds to wait for the platform before keeping a message for later"),
    Setting("RELAIS_TICK_SECONDS", "10", whole_number(1), "seconds between two ticks of an instance"),
    Setting("LOG_FORMAT", "text", one_of("text", "json"),
            "`text`, or `json`: one JSON object per log line (containers)"),
)  # fmt: skip


def attribute(setting: Setting[Any]) -> str:
    """Where `Settings` keeps a core setting's value: `RELAIS_TICK_SECONDS` is `tick_seconds`."""
    return setting.name.lower().removeprefix("relais_")
