"""Slack adapter: Bolt AsyncApp listeners that ack at once and hand a neutral
request to the handlers in a worker thread (DESIGN.md §5), and the Chat port
over a sync WebClient with Slack's retry handlers."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.logger import get_bolt_logger
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped, warning_token_skipped
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook import WebhookClient

from bot.config import Settings
from bot.intake import Intake
from bot.platforms.slack_blocks import blocks, message_args, modal, submitted_values
from handlers.core import inbox, router
from handlers.core.context import Deps, Request
from handlers.core.i18n import translator
from handlers.core.messages import Form, Message
from handlers.core.ports import ChatError, MessageRef

log = logging.getLogger(__name__)
_MENTION = re.compile(r"<@[A-Z0-9]+>")


def web_client(settings: Settings) -> WebClient:
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=settings.http_timeout,
        retry_handlers=[
            ConnectionErrorRetryHandler(),
            RateLimitErrorRetryHandler(max_retry_count=1),
            ServerErrorRetryHandler(max_retry_count=1),
        ],
    )


def _call(what: str, fn: Callable[[], Any], *, answers: tuple[str, ...] = ()) -> Any:
    """One Web API call; every way it can fail becomes a ChatError (never with the token),
    except the errors in `answers`, which are an answer: None is returned for them."""
    try:
        return fn()
    except SlackApiError as exc:
        if exc.response.get("error") in answers:
            return None
        raise ChatError(f"{what}: {exc.response.get('error', exc.response.status_code)}") from None
    except (SlackClientError, OSError) as exc:
        raise ChatError(f"{what}: {type(exc).__name__}") from None


class SlackChat:
    def __init__(self, client: WebClient) -> None:
        self.client = client

    def post(self, channel: str, message: Message, *, thread: MessageRef | None = None) -> MessageRef:
        thread_ts = thread.message_id if thread else None
        resp = _call(
            "chat.postMessage",
            lambda: self.client.chat_postMessage(channel=channel, thread_ts=thread_ts, **message_args(message)),
        )
        return MessageRef(resp["channel"], resp["ts"])

    def update(self, ref: MessageRef, message: Message) -> None:
        _call(
            "chat.update",
            lambda: self.client.chat_update(channel=ref.channel, ts=ref.message_id, **message_args(message)),
        )

    def dm(self, user_id: str, message: Message) -> MessageRef:
        resp = _call("conversations.open", lambda: self.client.conversations_open(users=user_id))
        return self.post(resp["channel"]["id"], message)

    def publish_home(self, user_id: str, message: Message) -> None:
        view = {"type": "home", "blocks": [b.to_dict() for b in blocks(message)]}
        _call("views.publish", lambda: self.client.views_publish(user_id=user_id, view=view))

    def person(self, typed: str) -> str | None:
        return typed or None  # the form's users_select gives an id

    def can_post(self, channel: str) -> bool:
        info = _call(
            "conversations.info",
            lambda: self.client.conversations_info(channel=channel),
            answers=("channel_not_found", "not_in_channel"),
        )
        if info is None:
            return False
        found = info.get("channel") or {}
        return bool(found.get("is_member") or found.get("is_im"))

    def upload(
        self, channel: str, *, filename: str, content: bytes, title: str, thread: MessageRef | None = None
    ) -> None:
        _call(
            "files.upload_v2",
            lambda: self.client.files_upload_v2(
                channel=channel,
                content=content,
                filename=filename,
                title=title,
                thread_ts=thread.message_id if thread else None,
            ),
        )

    def reply_to(self, user_id: str, where: dict[str, str]) -> SlackReply:
        return SlackReply(chat=self, user_id=user_id, **where)


class SlackReply:
    """Ephemeral answers through the request's response_url; where Slack gives
    none (modal submissions), the answer goes to the person's DM with the app."""

    def __init__(
        self, *, chat: SlackChat, user_id: str, response_url: str = "", trigger_id: str = "", channel: str = ""
    ) -> None:
        self.chat, self.user_id = chat, user_id
        self.response_url, self.trigger_id, self.channel = response_url, trigger_id, channel

    def reply(self, message: Message) -> None:
        if not self.response_url:
            self.chat.dm(self.user_id, message)
            return
        hook = WebhookClient(self.response_url, timeout=self.chat.client.timeout)
        resp = _call(
            "response_url",
            lambda: hook.send(response_type="ephemeral", replace_original=False, **message_args(message)),
        )
        if resp.status_code >= 400:
            raise ChatError(f"response_url: HTTP {resp.status_code}")

    def open_form(self, form: Form) -> None:
        view = modal(form, cancel=translator(form.language)("Cancel"), channel=self.channel)
        _call("views.open", lambda: self.chat.client.views_open(trigger_id=self.trigger_id, view=view))


def _same_token(record: logging.LogRecord) -> bool:
    """Bolt reads SLACK_BOT_TOKEN itself, then warns at every start that the client's
    token (the same one), or the `authorize` that uses it, wins: lines that would only
    puzzle whoever reads the logs."""
    return record.getMessage() not in (warning_client_prioritized_and_token_skipped(), warning_token_skipped())


def one_auth_test(client: AsyncWebClient) -> Callable[..., Awaitable[AuthorizeResult]]:
    """Who the bot is, asked of Slack once (`auth.test`) and shared. Bolt's default asks on
    the first request and keeps the answer only once it comes back, so each request of a
    first burst made its own call: 20 at once on a fresh `relais serve` held acks back by
    up to a second (bench/ack_latency.py measures the first burst). A failed call is not
    kept: the next request asks again."""
    lock, answer = asyncio.Lock(), list[Any]()

    async def authorize(enterprise_id: str | None, team_id: str | None, user_id: str | None) -> AuthorizeResult:
        async with lock:  # one call in flight; the others wait for its answer
            if not answer:
                answer.append(await client.auth_test())
        return AuthorizeResult.from_auth_test_response(auth_test_response=answer[0], bot_token=client.token)

    return authorize


def build_app(settings: Settings, deps: Deps, chat: SlackChat, intake: Intake) -> AsyncApp:
    """One listener per kind of request, for the commands and button prefixes the
    features declare. Each request is stored in the inbox before its ack, then
    processed from there in a worker thread."""
    get_bolt_logger(AsyncApp).addFilter(_same_token)
    client = AsyncWebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)
    app = AsyncApp(
        signing_secret=settings.slack_signing_secret or "socket-mode", client=client, authorize=one_auth_test(client)
    )
    commands = "|".join(re.escape(c) for c in deps.features.slash_commands)
    prefixes = "|".join(re.escape(p) for p in deps.features.buttons)

    received, process = intake.receive, intake.process

    @app.command(re.compile(rf"^/({commands})$"))
    async def on_command(ack: Any, command: dict[str, Any]) -> None:
        where = {
            "response_url": command.get("response_url", ""),
            "trigger_id": command.get("trigger_id", ""),
            "channel": command.get("channel_id", ""),
        }
        payload = {
            "user_id": command["user_id"],
            "channel": where["channel"],
            "reply": where,
            "name": command["command"].lstrip("/"),
            "text": command.get("text", ""),
        }
        row = await received(inbox.new_key("slack"), "command", payload)
        await ack()
        process(row, "command", payload)

    @app.action(re.compile(rf"^({prefixes})\."))
    async def on_action(ack: Any, body: dict[str, Any]) -> None:
        action = body["actions"][0]
        channel = (body.get("channel") or {}).get("id", "")
        where = {
            "response_url": body.get("response_url", ""),
            "trigger_id": body.get("trigger_id", ""),
            "channel": channel,
        }
        payload = {
            "user_id": body["user"]["id"],
            "channel": channel,
            "reply": where,
            "action_id": action["action_id"],
            "value": action.get("value", ""),
        }
        # Slack never redelivers a click; a double click is two clicks, and the use case's
        # compare-and-set changes the item once and tells the second click so.
        key = inbox.new_key("slack")
        row = await received(key, "action", payload)
        await ack()
        process(row, "action", payload)

    @app.view(re.compile(".*"))
    async def on_view(ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        meta = json.loads(view.get("private_metadata") or "{}")
        user_id, channel = body["user"]["id"], meta.get("channel", "")
        where = {"channel": channel}  # a modal has no response_url: the answer goes by DM
        values = submitted_values(view)
        req = Request(user_id=user_id, reply=chat.reply_to(user_id, where), channel_id=channel)
        errors = await asyncio.to_thread(router.validate_form, deps, req, view["callback_id"], values)
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        payload = {
            "user_id": user_id,
            "channel": channel,
            "reply": where,
            "form_id": view["callback_id"],
            "values": values,
            "state": meta.get("state", ""),
        }
        row = await received(inbox.new_key("slack"), "form", payload)
        await ack()
        process(row, "form", payload)

    @app.middleware
    async def store_mention(body: dict[str, Any], context: Any, next: Callable[[], Any]) -> Any:
        """Bolt acks an event before its listener runs: the row is written here, before that."""
        event = body.get("event") or {}
        if body.get("type") == "event_callback" and event.get("type") == "app_mention":
            payload = {
                "user_id": event.get("user", ""),
                "channel": event.get("channel", ""),
                "reply": {},
                "thread": event.get("thread_ts") or event.get("ts", ""),
                "text": _MENTION.sub("", event.get("text", "")),
            }
            context["inbox"] = (
                await received(f"slack-event:{body.get('event_id', event.get('ts'))}", "mention", payload),
                payload,
            )
        elif body.get("type") == "event_callback" and event.get("type") == "app_home_opened":
            if event.get("tab") == "home":
                payload = {"user_id": event.get("user", ""), "channel": event.get("channel", ""), "reply": {}}
                key = f"slack-event:{body.get('event_id', event.get('event_ts'))}"
                context["inbox"] = (await received(key, "home", payload), payload)
        return await next()

    @app.event("app_mention")
    async def on_mention(context: Any) -> None:
        row, payload = context.get("inbox", (None, {}))
        process(row, "mention", payload)

    @app.event("app_home_opened")
    async def on_home(context: Any) -> None:
        if "inbox" in context:  # the Messages tab is opened too: only the Home tab has a view
            row, payload = context["inbox"]
            process(row, "home", payload)

    return app


def socket_mode_handler(app: AsyncApp, app_token: str):  # type: ignore[no-untyped-def]
    """Socket Mode: the same app, fed over a WebSocket; must be made inside the running loop."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    return AsyncSocketModeHandler(app, app_token)
