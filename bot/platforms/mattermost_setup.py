"""`relais mattermost-setup`: the slash commands, with their autocomplete read from
the declarations, and the mention hook, created on a team or updated in place."""

from __future__ import annotations

from typing import Any

from bot.config import Settings
from bot.platforms.mattermost_api import MattermostAPI
from handlers.core.i18n import translator
from handlers.core.registry import Registry


def autocomplete(features: Registry, language: str) -> list[tuple[str, str, str]]:
    """(trigger, hint, description) of each slash command, read from the declarations.
    The hint names each sub-command once, in its shortest form: `help | role [question] | …`."""
    _ = translator(language)
    return [
        (top, features.usage_hint(top, _), _(features.descriptions.get(top, ""))) for top in features.slash_commands
    ]


def setup(settings: Settings, api: MattermostAPI, team_name: str, features: Registry) -> list[str]:
    """`relais mattermost-setup`: the two slash commands and the mention hook, created
    or, when an earlier run made them, updated in place; returns their tokens."""
    team_id = api.team_id(team_name)
    base = settings.public_url.rstrip("/")

    def ours(c: dict[str, Any]) -> bool:
        return str(c.get("url", "")).endswith("/mattermost/command") or str(c.get("display_name", "")).startswith(
            "Relais"
        )

    existing = {c.get("trigger"): c for c in api.commands(team_id) if ours(c) and not c.get("delete_at")}
    tokens = []
    for trigger, hint, description in autocomplete(features, settings.language):
        wanted = {
            "team_id": team_id,
            "trigger": trigger,
            "method": "P",
            "url": f"{base}/mattermost/command",
            "display_name": f"Relais /{trigger}",
            "auto_complete": True,
            "auto_complete_hint": hint,
            "auto_complete_desc": description,
        }
        found = existing.get(trigger)
        command = api.update_command({**found, **wanted}) if found else api.create_command(wanted)
        tokens.append(command["token"])
    bot = api.me()["username"]
    wanted = {
        "team_id": team_id,
        "display_name": "Relais mentions",
        "trigger_words": [f"@{bot}"],
        "trigger_when": 0,
        "callback_urls": [f"{base}/mattermost/mention"],
        "content_type": "application/json",
    }
    found = next((h for h in api.outgoing_hooks(team_id) if h.get("display_name") == wanted["display_name"]), None)
    hook = api.update_outgoing_hook({**found, **wanted}) if found else api.create_outgoing_hook(wanted)
    tokens.append(hook["token"])
    return tokens
