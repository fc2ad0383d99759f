"""Slack's Chat port over a sync WebClient with Slack's retry handlers (its calls on
kept-alive connections: bot/platforms/slack_http.py), and the way each request is
answered: ephemeral through its response_url, else by DM."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry import RetryHandler
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.config import Settings
from bot.platforms.slack_blocks import blocks, message_args, modal
from bot.platforms.slack_http import KeptAliveWebClient, KeptAliveWebhookClient
from handlers.core.i18n import translator
from handlers.core.messages import Form, Message
from handlers.core.ports import ChatError, MessageRef, Quoted


def web_client(settings: Settings) -> KeptAliveWebClient:
    return KeptAliveWebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=settings.http_timeout,
        retry_handlers=retry_handlers(),
    )


def retry_handlers() -> list[RetryHandler]:
    """slack_sdk's own: a lost connection, a rate limit and a server error are tried once more."""
    return [
        ConnectionErrorRetryHandler(),
        RateLimitErrorRetryHandler(max_retry_count=1),
        ServerErrorRetryHandler(max_retry_count=1),
    ]


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
    def __init__(self, client: KeptAliveWebClient) -> None:
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
        view = {"type": "home", "blocks": blocks(message)}
        _call("views.publish", lambda: self.client.views_publish(user_id=user_id, view=view))

    def permalink(self, ref: MessageRef) -> str | None:
        answer = _call(
            "chat.getPermalink",
            lambda: self.client.chat_getPermalink(channel=ref.channel, message_ts=ref.message_id),
            answers=("message_not_found", "channel_not_found"),
        )
        return str(answer["permalink"]) if answer is not None else None

    def message_at(self, link: str) -> Quoted | None:
        return None  # on Slack a message is sent on with its "Send to the CM" shortcut

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
        hook = KeptAliveWebhookClient(self.response_url, timeout=self.chat.client.timeout)
        resp = _call(
            "response_url",
            lambda: hook.send(response_type="ephemeral", replace_original=False, **message_args(message)),
        )
        if resp.status_code >= 400:
            raise ChatError(f"response_url: HTTP {resp.status_code}")

    def open_form(self, form: Form) -> None:
        _ = translator(form.language)
        view = modal(form, cancel=_("Cancel"), channel=self.channel)
        _call("views.open", lambda: self.chat.client.views_open(trigger_id=self.trigger_id, view=view))
