"""Slack adapter: Bolt AsyncApp listeners, one per kind of request the features
declare, that store the request in the inbox, ack at once and have it processed
in a worker (DESIGN.md §5); and `/slack/events`, which checks Slack's signature
before Bolt reads anything. The Chat port is in slack_chat.py."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.logger import get_bolt_logger
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped, warning_token_skipped
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient
from starlette.requests import Request as HttpRequest
from starlette.responses import Response
from starlette.routing import Route

from bot.intake import Intake
from bot.platforms.slack_blocks import plain_text, submitted_values
from handlers.core import rows
from handlers.core.inbound import Click, Command, DirectMessage, HomeOpened, Inbound, Mention, Shortcut, Submission

log = logging.getLogger(__name__)
_MENTION = re.compile(r"<@[A-Z0-9]+>")


def _same_token(record: logging.LogRecord) -> bool:
    """Bolt reads SLACK_BOT_TOKEN itself, then warns at every start that the client's
    token (the same one), or the `authorize` that uses it, wins: lines that would only
    puzzle whoever reads the logs."""
    return record.getMessage() not in (warning_client_prioritized_and_token_skipped(), warning_token_skipped())


def learnt_identity(client: AsyncWebClient) -> Callable[..., Awaitable[AuthorizeResult]]:
    """Who the bot is, learnt from Slack (`auth.test`) once and kept, without ever making a
    request wait for it. Bolt's default asks before each request is handed on, so with
    Slack's API unreachable a signed `/news` was refused (400) and nothing was stored; and
    each request of a first burst made its own call (bench/ack_latency.py). Here the first
    request starts one call in the background and goes on with the token alone: the
    listeners need nothing else, and our own messages are told apart by their `bot_id`.
    A failed call is not kept: a later request asks again."""
    known: list[Any] = []
    asking: set[asyncio.Task[None]] = set()

    async def ask() -> None:
        try:
            known.append(await client.auth_test())
        except Exception as exc:  # Slack unreachable or refusing: requests are stored all the same
            log.warning("Slack did not say who the bot is yet (%s); requests are stored meanwhile", _why(exc))

    async def authorize(enterprise_id: str | None, team_id: str | None, user_id: str | None) -> AuthorizeResult:
        if known:
            return AuthorizeResult.from_auth_test_response(auth_test_response=known[0], bot_token=client.token)
        if not asking:
            task = asyncio.get_running_loop().create_task(ask())
            asking.add(task)
            task.add_done_callback(asking.discard)
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token=client.token)

    return authorize


def _why(exc: Exception) -> str:
    """One line for the log, never the token: Slack's error code, or the kind of failure."""
    response = getattr(exc, "response", None)
    error = response.get("error") if response is not None and hasattr(response, "get") else None
    return str(error or type(exc).__name__)


class Keys(Protocol):
    """What the adapter needs of the settings (bot/config.py's Settings, or the HTTP
    process's few, bot/front.py)."""

    @property
    def slack_bot_token(self) -> str: ...
    @property
    def slack_api_url(self) -> str: ...
    @property
    def slack_signing_secret(self) -> str: ...


def build_app(keys: Keys, intake: Intake) -> AsyncApp:
    """One listener per kind of request, for the commands and button prefixes the
    features declare. Each request is stored in the inbox before its ack, then
    processed from there in a worker."""
    get_bolt_logger(AsyncApp).addFilter(_same_token)
    client = AsyncWebClient(token=keys.slack_bot_token, base_url=keys.slack_api_url)
    app = AsyncApp(
        signing_secret=keys.slack_signing_secret or "socket-mode", client=client, authorize=learnt_identity(client)
    )

    async def take(ack: Any, request: Inbound, **answer: Any) -> None:
        """Slack never redelivers a command, a click or a form: each is new. A double click
        is two clicks, and the use case's compare-and-set changes the item once."""
        row = await intake.receive(rows.new_key("slack"), request)
        await ack(**answer)
        intake.process(row, request)

    _hear_commands_and_clicks(app, take)
    _hear_forms(app, intake, take)
    _hear_shortcuts(app, take)
    _hear_events(app, intake)
    return app


Take = Callable[..., Awaitable[None]]


def _hear_commands_and_clicks(app: AsyncApp, take: Take) -> None:
    """Every command and button Slack sends is stored: it sends only the app's own (its
    manifest's commands, its messages' buttons), and the router answers one no feature
    declares with the guide. The HTTP process need not load the features to know them."""

    @app.command(re.compile(r"^/"))
    async def on_command(ack: Any, command: dict[str, Any]) -> None:
        where = _where(command.get("response_url", ""), command.get("trigger_id", ""), command.get("channel_id", ""))
        name, text = command["command"].lstrip("/"), command.get("text", "")
        await take(ack, Command(command["user_id"], where["channel"], where, name=name, text=text))

    @app.action(re.compile(r"^[\w-]+\."))  # a feature's button: `prefix.verb`
    async def on_action(ack: Any, body: dict[str, Any]) -> None:
        action = body["actions"][0]
        where = _where(
            body.get("response_url", ""), body.get("trigger_id", ""), (body.get("channel") or {}).get("id", "")
        )
        click = Click(
            body["user"]["id"], where["channel"], where, action_id=action["action_id"], value=action.get("value", "")
        )
        await take(ack, click)


def _hear_forms(app: AsyncApp, intake: Intake, take: Take) -> None:
    """A form is checked before the ack: Slack shows the errors in the open modal."""

    @app.view(re.compile(".*"))
    async def on_view(ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        meta = json.loads(view.get("private_metadata") or "{}")
        user_id, channel = body["user"]["id"], meta.get("channel", "")
        where = {"channel": channel}  # a modal has no response_url: the answer goes by DM
        form = Submission(user_id, channel, where, form_id=view["callback_id"], values=submitted_values(view),
                          state=meta.get("state", ""))  # fmt: skip
        errors = await intake.validate(form)
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await take(ack, form)


def _hear_shortcuts(app: AsyncApp, take: Take) -> None:
    @app.shortcut(re.compile(".*"))
    async def on_shortcut(ack: Any, body: dict[str, Any]) -> None:
        """A message shortcut brings the message; a global one only who chose it. The form
        is opened from the trigger first: the message's link is asked for when it is sent."""
        message, channel = body.get("message") or {}, (body.get("channel") or {}).get("id", "")
        where = _where(body.get("response_url", ""), body.get("trigger_id", ""), channel)
        await take(ack, Shortcut(body["user"]["id"], channel, where, callback_id=body["callback_id"],
                                 message_text=plain_text(message.get("text", "")),
                                 message_author=message.get("user", ""), message_id=message.get("ts", "")))  # fmt: skip


def _hear_events(app: AsyncApp, intake: Intake) -> None:
    @app.middleware
    async def store_event(body: dict[str, Any], context: Any, next: Callable[[], Any]) -> Any:
        """Bolt acks an event before its listener runs: the row is written here, before that."""
        request = _event(body)
        if request is not None:
            event = body["event"]
            key = f"slack-event:{body.get('event_id', event.get('event_ts', event.get('ts')))}"
            context["inbox"] = (await intake.receive(key, request), request)
        return await next()

    @app.event("app_mention")
    @app.event("app_home_opened")
    @app.event("message")
    async def on_event(context: Any) -> None:
        if "inbox" in context:  # the Messages tab is opened too: only the Home tab has a view
            intake.process(*context["inbox"])


def _where(response_url: str, trigger_id: str, channel: str) -> dict[str, str]:
    """How the person is answered: kept with the request, for a worker or a replay."""
    return {"response_url": response_url, "trigger_id": trigger_id, "channel": channel}


def _event(body: dict[str, Any]) -> Inbound | None:
    """The request an Events API callback carries, if it is one Relais answers."""
    event = body.get("event") or {}
    if body.get("type") != "event_callback":
        return None
    user, channel = event.get("user", ""), event.get("channel", "")
    if event.get("type") == "app_mention":
        thread, text = event.get("thread_ts") or event.get("ts", ""), _MENTION.sub("", event.get("text", ""))
        return Mention(user, channel, thread=thread, text=text)
    if event.get("type") == "app_home_opened" and event.get("tab") == "home":
        return HomeOpened(user, channel)
    if event.get("type") == "message" and event.get("channel_type") == "im" and _from_a_person(event):
        return DirectMessage(user, channel, {"channel": channel}, text=event.get("text", ""))
    return None


def _from_a_person(event: dict[str, Any]) -> bool:
    """A person's own new message: not a bot's (ours included), not an edit, a deletion or
    a join (those come with a subtype); a file shared with words is a message too."""
    return bool(event.get("user")) and not event.get("bot_id") and event.get("subtype") in (None, "file_share")


def events_route(keys: Keys, app: AsyncApp) -> Route:
    """`POST /slack/events`. The signature is checked here, before Bolt: Bolt parses the
    body first and answers 500 to an unsigned body that is not JSON, or to a timestamp
    that is not a number."""
    handler = AsyncSlackRequestHandler(app)
    verifier = SignatureVerifier(keys.slack_signing_secret)

    async def slack_events(request: HttpRequest) -> Response:
        body = await request.body()
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        if not timestamp.isdigit() or not verifier.is_valid(
            body, timestamp, request.headers.get("X-Slack-Signature", "")
        ):
            return Response("invalid request", status_code=401)
        try:
            response = await handler.handle(request)
        except (ValueError, TypeError, AttributeError, KeyError, IndexError) as exc:
            response = Response(status_code=500, content=type(exc).__name__)
        if response.status_code >= 500:
            # Our listeners ack before any work, so a 5xx here means Bolt choked on the payload
            # itself (`"view": null`, a body that is not JSON): malformed, not a failure of ours.
            log.warning("Slack request refused as malformed (%s)", bytes(response.body[:80]).decode(errors="replace"))
            return Response("malformed request", status_code=400)
        return response

    return Route("/slack/events", slack_events, methods=["POST"])


def socket_mode_handler(app: AsyncApp, app_token: str):  # type: ignore[no-untyped-def]  # its methods are untyped
    """Socket Mode: the same app, fed over a WebSocket; must be made inside the running loop."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    return AsyncSocketModeHandler(app, app_token)
