"""`relais doctor`: what is wrong with a setup, found before a message gets lost.
One line per check, ✓ or ✗, and for each ✗ what to do, in the team's language.
`relais serve` logs the same lines at start and keeps running."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.bootstrap import team
from bot.config import Settings
from handlers.core.i18n import translator
from handlers.core.ports import ChatError
from handlers.features import registry
from handlers.watch import checks as watch_checks
from storage.db import applied, heads, make_engine, revisions

if TYPE_CHECKING:
    from slack_sdk import WebClient

Translate = Callable[[str], str]

log = logging.getLogger("relais")  # the setup lines at start, as `relais serve` logs them


@dataclass(frozen=True)
class Check:
    ok: bool
    said: str
    todo: str = ""

    def line(self) -> str:
        return f"✓ {self.said}" if self.ok else f"✗ {self.said} — {self.todo}"


def run(settings: Settings) -> list[Check]:
    """The checks, in the order a volunteer fixes things; the doctor itself creates nothing."""
    _ = translator(settings.language)
    checks = [_source(_), *_ids(settings, _)]
    checks += list(_database(settings, _))
    checks += list(_time(settings, _))
    checks += [Check(*found) for found in watch_checks.doctor(team(settings), datetime.now(UTC))]
    if settings.platform == "slack":
        checks += list(_slack(settings, _))
    elif settings.platform == "mattermost":
        checks += list(_mattermost(settings, _))
    return checks


def _source(_: Translate) -> Check:
    """Where the settings came from, as they did (bot/config.py reads ./.env when there is one)."""
    env = Path.cwd() / ".env"
    if env.is_file():
        return Check(True, _("settings read from the environment and {file}").format(file=env))
    return Check(True, _("settings read from the environment (no .env file in {folder})").format(folder=Path.cwd()))


_NAME = re.compile(r"[^A-Za-z0-9]")  # every platform's ids are letters and digits: '#', '@', '-' or a space is a name


def _ids(settings: Settings, _: Translate) -> Iterator[Check]:
    """A channel's or a person's name where its id is expected passes every other check and
    then posts nowhere: said here, with where the id is found."""
    if settings.platform == "console":  # the console makes its own channels and people
        return
    slack = settings.platform == "slack"
    where_channel = (_("in Slack, open the channel's details: its id (C…) is at the bottom") if slack
                     else _("in Mattermost, the channel's menu > View Info shows its id"))  # fmt: skip
    where_person = (_("in Slack, open the person's profile > ⋮ > Copy member ID (U…)") if slack
                    else _("in Mattermost, System Console > Users shows each person's id"))  # fmt: skip
    channels = [("CM_QUEUE_CHANNEL", settings.cm_queue_channel), ("TEAM_CHANNEL", settings.team_channel),
                ("LEADERS_CHANNEL", settings.leaders_channel)]  # fmt: skip
    for name, value in channels:
        if value and _NAME.search(value):
            yield Check(False, _("{name} is “{value}”, a name: Relais needs the channel's id").format(
                name=name, value=value), where_channel)  # fmt: skip
    for name, people in (("CM_USERS", settings.cm_users), ("ADMIN_USERS", settings.admin_users)):
        named = sorted(p for p in people if _NAME.search(p))
        if named:
            yield Check(False, _("{name} holds names ({names}): Relais needs each person's id").format(
                name=name, names=", ".join(named)), where_person)  # fmt: skip


def _database(settings: Settings, _: Translate) -> Iterator[Check]:
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
        yield _new_sqlite(Path(url.database), _)  # opening it would create it
        return
    engine = make_engine(settings.database_url)
    try:
        yield from _reachable_database(engine, _)
    finally:
        engine.dispose()


def _new_sqlite(path: Path, _: Translate) -> Check:
    folder = path.absolute().parent
    if not folder.is_dir():
        return Check(False, _("the database's folder {folder} does not exist").format(folder=folder),
                     _("create it, or change DATABASE_URL"))  # fmt: skip
    if not os.access(folder, os.W_OK):
        return Check(False, _("the database's folder {folder} is not writable").format(folder=folder),
                     _("let the user that runs Relais write there, or change DATABASE_URL"))  # fmt: skip
    return Check(True, _("no database yet at {file}: relais serve creates it and its tables").format(
        file=path.absolute()))  # fmt: skip


def _reachable_database(engine: Engine, _: Translate) -> Iterator[Check]:
    try:
        engine.connect().close()
    except SQLAlchemyError as exc:
        yield Check(False, _("the database does not answer ({reason})").format(reason=_first_line(exc)),
                    _("check DATABASE_URL's host, port, name and password, and that the server runs"))  # fmt: skip
        return
    try:
        with engine.begin() as conn:  # a table made and dropped in a transaction: the database takes writes
            conn.execute(text("CREATE TABLE relais_doctor_probe (x INTEGER)"))
            conn.execute(text("DROP TABLE relais_doctor_probe"))
    except SQLAlchemyError as exc:
        yield Check(False, _("the database cannot be written ({reason})").format(reason=_first_line(exc)),
                    _("check that the folder, or the database user, may write"))  # fmt: skip
        return
    yield Check(True, _("the database is reachable and takes writes"))
    folders = registry().migrations
    at, newest = revisions(engine), heads(folders)
    if newest <= applied(at, folders):
        yield Check(True, _("the database is at the newest revision ({head})").format(head=_listed(newest)))
    elif not at and not inspect(engine).get_table_names():
        yield Check(True, _("the database is empty: relais serve creates its tables when it starts"))
    else:
        yield Check(False, _("the database is at revision {at}, Relais expects {head}").format(at=_listed(at), head=_listed(newest)),
                    _("run relais migrate (relais serve also does it when it starts)"))  # fmt: skip


def _listed(revisions: frozenset[str]) -> str:
    return ", ".join(sorted(revisions)) or "—"


def _first_line(exc: SQLAlchemyError) -> str:
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]


def _time(settings: Settings, _: Translate) -> Iterator[Check]:
    now = datetime.now(settings.timezone)
    yield Check(True, _("time zone {zone}: it is {time} there").format(zone=settings.timezone.key, time=f"{now:%H:%M}"))
    if settings.holidays_country:
        yield Check(
            True, _("no reminder on the public holidays of {country}").format(country=settings.holidays_country)
        )
    else:
        yield Check(True, _("reminders go out on public holidays too (HOLIDAYS_COUNTRY is empty)"))


def _slack(settings: Settings, _: Translate) -> Iterator[Check]:
    from slack_sdk.errors import SlackApiError, SlackClientError

    from bot.platforms.slack_chat import web_client

    client = web_client(settings)
    try:
        me = client.auth_test()
    except SlackApiError as exc:
        yield Check(False, _("Slack refused the bot token ({error})").format(error=exc.response.get("error", "")),
                    _("copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page into SLACK_BOT_TOKEN"))  # fmt: skip
        return
    except (SlackClientError, OSError) as exc:
        yield Check(False, _("Slack cannot be reached ({error})").format(error=type(exc).__name__),
                    _("check this server's internet access"))  # fmt: skip
        return
    yield Check(
        True, _("Slack knows the bot: @{name} in {team}").format(name=me.get("user", ""), team=me.get("team", ""))
    )
    granted = {s.strip() for s in str(me.headers.get("x-oauth-scopes", "")).split(",") if s.strip()}
    missing = [s for s in manifest_scopes() if s not in granted]
    if missing:
        yield Check(False, _("scopes missing: {scopes}").format(scopes=", ".join(missing)),
                    _("add them under OAuth & Permissions (or update the app from manifest.yml), then reinstall the app"))  # fmt: skip
    else:
        yield Check(True, _("every scope manifest.yml asks for is granted"))
    for name, channel in (("CM_QUEUE_CHANNEL", settings.cm_queue_channel), ("TEAM_CHANNEL", settings.team_channel),
                          ("LEADERS_CHANNEL", settings.leaders_channel)):  # fmt: skip
        if channel:
            yield _slack_channel(client, name, channel, _)
    for name, users in (("CM_USERS", settings.cm_users), ("ADMIN_USERS", settings.admin_users)):
        yield from (_slack_member(client, name, user, _) for user in sorted(users))
    if settings.slack_app_token:
        try:
            client.apps_connections_open(app_token=settings.slack_app_token)
            yield Check(True, _("the Socket Mode token opens a connection"))
        except SlackApiError as exc:
            yield Check(False, _("Slack refused the Socket Mode token ({error})").format(error=exc.response.get("error", "")),
                        _("make an app-level token with connections:write (Basic Information > App-Level Tokens)"))  # fmt: skip


def _slack_member(client: WebClient, name: str, user: str, _: Translate) -> Check:
    """A person named in CM_USERS or ADMIN_USERS: a member of this Slack, still there."""
    from slack_sdk.errors import SlackApiError

    try:
        found = client.users_info(user=user)["user"]
    except SlackApiError as exc:
        return Check(False, _("{name}: {user} is not a member of this Slack ({error})").format(
            name=name, user=user, error=exc.response.get("error", "")),
            _("copy the member id from the person's profile (⋮ > Copy member ID)"))  # fmt: skip
    if found.get("deleted"):
        return Check(False, _("{name}: {user} has left this Slack").format(name=name, user=user),
                     _("remove them from {name}").format(name=name))  # fmt: skip
    return Check(True, _("{name}: {user} is a member (@{handle})").format(name=name, user=user,
                 handle=found.get("name", "")))  # fmt: skip


def _slack_channel(client: WebClient, name: str, channel: str, _: Translate) -> Check:
    from slack_sdk.errors import SlackApiError

    try:
        info = client.conversations_info(channel=channel)["channel"]
    except SlackApiError as exc:
        return Check(False, _("{name}: no channel {channel} ({error})").format(name=name, channel=channel,
                     error=exc.response.get("error", "")),
                     _("copy the channel id from the channel's details (at the bottom of About)"))  # fmt: skip
    if not info.get("is_member"):
        return Check(False, _("{name}: Relais is not in #{channel}").format(name=name, channel=info.get("name", channel)),
                     _("invite @Relais to #{channel}: type /invite @Relais in it").format(channel=info.get("name", channel)))  # fmt: skip
    return Check(True, _("{name}: Relais is in #{channel}").format(name=name, channel=info.get("name", channel)))


def manifest_scopes() -> list[str]:
    """The bot scopes manifest.yml asks for (read as text: the file ships beside the code)."""
    from pathlib import Path

    manifest = Path(__file__).resolve().parents[1] / "manifest.yml"
    if not manifest.exists():  # installed from a wheel: the scopes Relais needs, as the manifest lists them
        return list(SCOPES)
    block = manifest.read_text().split("bot:", 1)[1].split("settings:", 1)[0]
    return re.findall(r"^\s+- ([a-z:_.]+)", block, re.MULTILINE)


SCOPES = ("commands", "chat:write", "im:write", "files:write", "app_mentions:read", "channels:read", "groups:read",
          "im:history")  # fmt: skip


def _mattermost(settings: Settings, _: Translate) -> Iterator[Check]:
    from bot.platforms.mattermost_api import MattermostAPI, MattermostError

    api = MattermostAPI(settings.mattermost_url, settings.mattermost_bot_token, timeout=settings.http_timeout)
    try:
        me = api.me()
    except MattermostError as exc:  # it answered, and refused
        yield Check(False, _("Mattermost refused the bot token ({error})").format(error=exc),
                    _("make a new access token for the bot account (Integrations > Bot Accounts) into MATTERMOST_BOT_TOKEN"))  # fmt: skip
        return
    except ChatError as exc:  # no answer at all
        yield Check(False, _("Mattermost does not answer at {url} ({error})").format(url=settings.mattermost_url,
                                                                                    error=exc),
                    _("check MATTERMOST_URL, and that this machine can reach the server"))  # fmt: skip
        return
    try:
        yield from _mattermost_setup(settings, api, me, _)
    except ChatError as exc:
        yield Check(False, _("Mattermost stopped answering ({error})").format(error=exc),
                    _("check the server, then run relais doctor again"))  # fmt: skip


def _mattermost_setup(settings: Settings, api: Any, me: dict[str, Any], _: Translate) -> Iterator[Check]:
    """What the bot can reach, once Mattermost has said who it is."""
    from bot.platforms.mattermost_api import MattermostError

    yield Check(True, _("Mattermost knows the bot: @{name}").format(name=me.get("username", "")))
    teams = [t for t in api.call("GET", "/users/me/teams") if isinstance(t, dict)]
    if not teams:
        yield Check(False, _("the bot is in no team"), _("add the bot account to your team (Main Menu > Add members)"))
    for name, channel in (("CM_QUEUE_CHANNEL", settings.cm_queue_channel), ("TEAM_CHANNEL", settings.team_channel),
                          ("LEADERS_CHANNEL", settings.leaders_channel)):  # fmt: skip
        if not channel:
            continue
        try:
            api.call("GET", f"/channels/{channel}/members/{me['id']}")
            yield Check(True, _("{name}: the bot is in {channel}").format(name=name, channel=channel))
        except MattermostError:
            yield Check(False, _("{name}: the bot is not in {channel}").format(name=name, channel=channel),
                        _("add the bot to that channel, and check the id (View Info)"))  # fmt: skip
    base = settings.public_url.rstrip("/")
    commands = [c for t in teams for c in api.commands(str(t["id"]))]
    for trigger in ("news", "cm"):
        ours = [c for c in commands if c.get("trigger") == trigger and str(c.get("url", "")).startswith(base)]
        if ours:
            yield Check(True, _("/{trigger} is registered and calls {url}").format(trigger=trigger, url=ours[0]["url"]))
        else:
            yield Check(False, _("/{trigger} is not registered for {url}").format(trigger=trigger, url=base),
                        _("run relais mattermost-setup --team NAME"))  # fmt: skip
    if settings.mattermost_events == "websocket":
        yield _websocket(settings, _)
        return
    hooks = [h for t in teams for h in api.outgoing_hooks(str(t["id"]))]
    if any(f"{base}/mattermost/mention" in h.get("callback_urls", []) for h in hooks):
        yield Check(True, _("the mention webhook calls {url}/mattermost/mention").format(url=base))
    else:
        yield Check(False, _("no mention webhook calls {url}/mattermost/mention").format(url=base),
                    _("run relais mattermost-setup --team NAME"))  # fmt: skip


def _websocket(settings: Settings, _: Translate) -> Check:
    import asyncio

    import aiohttp

    url = settings.mattermost_url.rstrip("/").replace("https://", "wss://", 1).replace("http://", "ws://", 1)

    async def probe() -> bool:
        async with aiohttp.ClientSession() as session, session.ws_connect(f"{url}/api/v4/websocket") as ws:
            await ws.send_json({"seq": 1, "action": "authentication_challenge",
                                "data": {"token": settings.mattermost_bot_token}})  # fmt: skip
            reply = await ws.receive_json(timeout=5)
            return bool(reply.get("status") == "OK")

    try:
        ok = asyncio.run(asyncio.wait_for(probe(), 10))
    except (aiohttp.ClientError, TimeoutError, OSError, ValueError) as exc:
        return Check(False, _("the WebSocket cannot be opened ({error})").format(error=type(exc).__name__),
                     _("let WebSockets through your proxy (Upgrade headers), or set MATTERMOST_EVENTS=webhook"))  # fmt: skip
    if not ok:
        return Check(False, _("the WebSocket refused the bot token"), _("check MATTERMOST_BOT_TOKEN"))
    return Check(True, _("the WebSocket opens and accepts the bot token"))


def log_checks(settings: Settings) -> None:
    """The checks, in the log at start; Relais runs whatever they find."""
    try:
        checks = run(settings)
    except Exception:  # a check that cannot run must not keep Relais from starting
        log.exception("the setup checks could not run")
        return
    for check in checks:
        (log.info if check.ok else log.warning)("setup: %s", check.line())
