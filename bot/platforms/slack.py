"""Slack adapter: Bolt AsyncApp listeners that ack at once and hand a neutral
request to the handlers in a worker thread (DESIGN.md §5), and the Chat port
over a sync WebClient with Slack's retry handlers."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from typing import Any, Callable

from slack_bolt.async_app import AsyncApp
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
from bot.platforms.slack_blocks import message_args, modal, submitted_values
from handlers.core import router
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


def _call(what: str, fn: Callable[[], Any]) -> Any:
    """One Web API call; every way it can fail becomes a ChatError (never with the token)."""
    try:
        return fn()
    except SlackApiError as exc:
        raise ChatError(f"{what}: {exc.response.get('error', exc.response.status_code)}") from None
    except (SlackClientError, OSError) as exc:
        raise ChatError(f"{what}: {type(exc).__name__}") from None


class SlackChat:
    def __init__(self, client: WebClient) -> None:
        self.client = client

    def post(self, channel: str, message: Message, *, thread: MessageRef | None = None) -> MessageRef:
        thread_ts = thread.message_id if thread else None
        resp = _call("chat.postMessage", lambda: self.client.chat_postMessage(channel=channel, thread_ts=thread_ts, **message_args(message)))
        return MessageRef(resp["channel"], resp["ts"])

    def update(self, ref: MessageRef, message: Message) -> None:
        _call("chat.update", lambda: self.client.chat_update(channel=ref.channel, ts=ref.message_id, **message_args(message)))

    def dm(self, user_id: str, message: Message) -> MessageRef:
        resp = _call("conversations.open", lambda: self.client.conversations_open(users=user_id))
        return self.post(resp["channel"]["id"], message)

    def upload(self, channel: str, *, filename: str, content: bytes, title: str, thread: MessageRef | None = None) -> None:
        _call("files.upload_v2", lambda: self.client.files_upload_v2(
            channel=channel, content=content, filename=filename, title=title,
            thread_ts=thread.message_id if thread else None))


class SlackReply:
    """Ephemeral answers through the request's response_url; where Slack gives
    none (modal submissions), the answer goes to the person's DM with the app."""

    def __init__(self, *, chat: SlackChat, user_id: str, language: Callable[[], str], response_url: str = "",
                 trigger_id: str = "", channel: str = "", timeout: int = 10) -> None:
        self.chat, self.user_id, self.language = chat, user_id, language
        self.response_url, self.trigger_id, self.channel, self.timeout = response_url, trigger_id, channel, timeout

    def reply(self, message: Message) -> None:
        if not self.response_url:
            self.chat.dm(self.user_id, message)
            return
        hook = WebhookClient(self.response_url, timeout=self.timeout)
        resp = _call("response_url", lambda: hook.send(response_type="ephemeral", replace_original=False, **message_args(message)))
        if resp.status_code >= 400:
            raise ChatError(f"response_url: HTTP {resp.status_code}")

    def open_form(self, form: Form) -> None:
        view = modal(form, cancel=translator(self.language())("Cancel"), channel=self.channel)
        _call("views.open", lambda: self.chat.client.views_open(trigger_id=self.trigger_id, view=view))


def build_app(settings: Settings, deps: Deps, chat: SlackChat) -> AsyncApp:
    app = AsyncApp(
        signing_secret=settings.slack_signing_secret or "socket-mode",
        client=AsyncWebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url),
    )

    def request(user_id: str, **where: str) -> Request:
        reply = SlackReply(chat=chat, user_id=user_id, language=lambda: deps.language(user_id), timeout=settings.http_timeout, **where)
        return Request(user_id=user_id, reply=reply, channel_id=where.get("channel", ""))

    async def in_worker(fn: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.to_thread(fn, *args)

    @app.command(re.compile(r"^/(news|cm)$"))
    async def on_command(ack: Any, command: dict[str, Any]) -> None:
        await ack()
        req = request(command["user_id"], response_url=command.get("response_url", ""),
                      trigger_id=command.get("trigger_id", ""), channel=command.get("channel_id", ""))
        await in_worker(router.command, deps, req, command["command"].lstrip("/"), command.get("text", ""))

    @app.action(re.compile(r"^(news|moderation)\."))
    async def on_action(ack: Any, body: dict[str, Any]) -> None:
        await ack()
        action = body["actions"][0]
        req = request(body["user"]["id"], response_url=body.get("response_url", ""),
                      trigger_id=body.get("trigger_id", ""), channel=(body.get("channel") or {}).get("id", ""))
        await in_worker(router.action, deps, req, action["action_id"], action.get("value", ""))

    @app.view(re.compile(".*"))
    async def on_view(ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        meta = json.loads(view.get("private_metadata") or "{}")
        req = request(body["user"]["id"], channel=meta.get("channel", ""))
        values = submitted_values(view)
        errors = await in_worker(router.validate_form, deps, req, view["callback_id"], values)
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        await in_worker(router.submit_form, deps, req, view["callback_id"], values, meta.get("state", ""))

    @app.event("app_mention")
    async def on_mention(body: dict[str, Any], event: dict[str, Any]) -> None:
        def answer() -> None:
            if not router.first_time(deps, f"slack-event:{body.get('event_id', event.get('ts'))}"):
                return  # a retry of an event already answered
            message = router.mention(deps, event["user"], _MENTION.sub("", event.get("text", "")))
            thread = MessageRef(event["channel"], event.get("thread_ts") or event["ts"])
            try:
                chat.post(event["channel"], message, thread=thread)
            except ChatError as exc:
                log.warning("could not answer a mention: %s", exc)

        await in_worker(answer)

    return app


def socket_mode_handler(app: AsyncApp, app_token: str):  # type: ignore[no-untyped-def]
    """Socket Mode: the same app, fed over a WebSocket; must be made inside the running loop."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    return AsyncSocketModeHandler(app, app_token)
