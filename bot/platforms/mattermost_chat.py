"""Mattermost's Chat port over the REST API v4, and the way each request is
answered: commands through their response_url; a button call in its own response
(`ephemeral_text`), since Mattermost gives buttons no other way to speak to one
person; dialog submissions by DM, like Slack's modals. The endpoints are in
mattermost_routes.py, `relais mattermost-setup` in mattermost_setup.py."""

from __future__ import annotations

import logging
import re
import time
from typing import Any

import httpx

from bot.platforms.mattermost_api import EDIT_TIME_LIMIT, MattermostAPI, MattermostError
from bot.platforms.mattermost_proof import DialogState, action_secret, seal
from bot.platforms.mattermost_render import dialog, markup, plain_text, post_body
from handlers.core.i18n import translator
from handlers.core.messages import Form, Message
from handlers.core.ports import ChatError, MessageRef, Quoted

log = logging.getLogger(__name__)
_MENTION = re.compile(r"@[\w.-]+")


class MattermostChat:
    def __init__(self, api: MattermostAPI, *, public_url: str, bot_token: str) -> None:
        self.api = api
        self.action_url = public_url.rstrip("/") + "/mattermost/action"
        self.dialog_url = public_url.rstrip("/") + "/mattermost/dialog"
        self.secret = action_secret(bot_token)
        self.markup = markup(api.username)
        self._roots: dict[str, str] = {}  # post id -> its thread's root: a thread answered again asks nothing

    def body(self, message: Message) -> dict[str, Any]:
        return post_body(message, self.markup, action_url=self.action_url, secret=self.secret)

    def post(self, channel: str, message: Message, *, thread: MessageRef | None = None) -> MessageRef:
        post = {"channel_id": channel, **self.body(message)}
        if thread:
            post["root_id"] = self._root(thread.message_id)
        posted = str(self.api.create_post(post)["id"])
        self._remember(posted, str(post.get("root_id") or posted))  # Relais's own posts are never looked up
        return MessageRef(channel, posted)

    def _root(self, post_id: str) -> str:
        """The server refuses a reply to a reply: the answer goes under the thread's first post,
        looked up when it is posted (a mention is stored before any call) unless Relais made
        the post or looked it up already. A post gone or hidden from the bot is answered under
        itself; the server down is retried by the outbox."""
        if post_id in self._roots:
            return self._roots[post_id]
        try:
            root = str(self.api.get_post(post_id).get("root_id") or post_id)
        except MattermostError as exc:
            if exc.status in (403, 404):
                return post_id
            raise
        self._remember(post_id, root)
        return root

    def _remember(self, post_id: str, root: str) -> None:
        if len(self._roots) >= 4096:  # a long-running server keeps the recent threads only
            self._roots.clear()
        self._roots[post_id] = root

    def update(self, ref: MessageRef, message: Message) -> None:
        body = self.body(message)
        try:
            self.api.patch_post(ref.message_id, body)
        except MattermostError as exc:
            if exc.error_id != EDIT_TIME_LIMIT:
                raise
            # Past the server's PostEditTimeLimit the message is frozen, not the attachment,
            # which holds a card's status, history and buttons.
            log.info("post %s is past the server's edit time limit: updating its attachment only", ref.message_id)
            self.api.patch_post(ref.message_id, {"props": body["props"]})

    def dm(self, user_id: str, message: Message) -> MessageRef:
        return self.post(self.api.direct_channel(user_id), message)

    def publish_home(self, user_id: str, message: Message) -> None:
        """Mattermost has no home tab: /cm home shows the same."""

    def permalink(self, ref: MessageRef) -> str | None:
        """The server's own redirect to a post, whatever the team: `…/_redirect/pl/<post id>`."""
        return f"{self.api.base}/_redirect/pl/{ref.message_id}"

    def message_at(self, link: str) -> Quoted | None:
        """A permalink of this server (`https://chat.example.org/team/pl/<post id>`), read
        through the API; a post in a channel Relais is not in is refused with why."""
        found = re.fullmatch(re.escape(self.api.base) + r"/[\w.-]+/pl/([a-z0-9]{26})/?", link.strip())
        if found is None:
            return None
        try:
            post = self.api.get_post(found.group(1))
        except MattermostError as exc:
            if exc.status in (403, 404):
                raise ChatError("not readable: Relais is not in that channel, or the message was deleted") from None
            raise
        return Quoted(str(post.get("message", "")), str(post.get("user_id", "")), str(post.get("channel_id", "")),
                      str(post.get("id", "")))  # fmt: skip

    def person(self, typed: str) -> str | None:
        return typed or None  # the dialog's users select gives an id

    def can_post(self, channel: str) -> bool:
        try:
            self.api.call("GET", f"/channels/{channel}/members/{self.api.me()['id']}")
        except MattermostError as exc:
            if exc.status in (403, 404):
                return False
            raise
        return True

    def upload(
        self, channel: str, *, filename: str, content: bytes, title: str, thread: MessageRef | None = None
    ) -> None:
        file_id = self.api.upload(channel, filename, content)
        post: dict[str, Any] = {"channel_id": channel, "message": title, "file_ids": [file_id]}
        if thread:
            post["root_id"] = thread.message_id
        self.api.create_post(post)

    def reply_to(self, user_id: str, where: dict[str, str]) -> MattermostReply:
        return MattermostReply(self, user_id=user_id, **where)  # type: ignore[arg-type]


class MattermostReply:
    """Answers to one person: through the command's response_url, collected into
    a button call's response, or by DM where Mattermost offers neither."""

    def __init__(
        self,
        chat: MattermostChat,
        *,
        user_id: str,
        response_url: str = "",
        trigger_id: str = "",
        channel: str = "",
        collect: bool = False,
    ) -> None:
        self.chat, self.user_id = chat, user_id
        self.response_url, self.trigger_id, self.channel = response_url, trigger_id, channel
        self.collected: list[str] | None = [] if collect else None

    def reply(self, message: Message) -> None:
        if self.collected is not None:
            self.collected.append(plain_text(message, self.chat.markup))
        elif self.response_url:
            body = self.chat.body(message)
            answer = {
                "response_type": "ephemeral",
                "text": body["message"],
                "props": body["props"],
                "skip_slack_parsing": True,
            }  # escaped text stays as written, not rewritten into links
            try:
                resp = httpx.post(self.response_url, json=answer, timeout=10)
            except httpx.HTTPError as exc:
                raise ChatError(f"response_url: {type(exc).__name__}") from None
            if resp.status_code >= 400:
                raise ChatError(f"response_url: HTTP {resp.status_code}")
        else:
            self.chat.dm(self.user_id, message)

    def open_form(self, form: Form) -> None:
        _ = translator(form.language)
        hint = _("e.g. 12/12, saturday, 2026-12-12")
        opened = DialogState(form_id=form.form_id, user_id=self.user_id, channel=self.channel, state=form.state)
        state = seal(self.chat.secret, opened, now=time.time())
        self.chat.api.open_dialog(
            dialog(
                form,
                trigger_id=self.trigger_id,
                url=self.chat.dialog_url,
                state=state,
                date_hint=hint,
                intro=self.chat.markup.render(form.intro) if form.intro else "",
            )  # fmt: skip
        )
