"""Mattermost adapter: the slash-command, button, dialog and mention endpoints,
and the Chat port over the REST API v4. It translates; the handlers decide.

Commands are acked at once and answered through their response_url; a button
call is answered in its own response (`ephemeral_text`), since Mattermost gives
buttons no other way to speak to one person; dialog submissions get their field
errors in the response and their answer by DM, like Slack's modals."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from typing import Any
from urllib.parse import parse_qs

import httpx
from starlette.requests import Request as HttpRequest
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.config import Settings
from bot.intake import Intake
from bot.platforms.mattermost_api import EDIT_TIME_LIMIT, MattermostAPI, MattermostError
from bot.platforms.mattermost_render import (
    DialogState,
    StateRefused,
    action_secret,
    dialog,
    markup,
    plain_text,
    post_body,
    seal,
    submitted_values,
    unseal,
    verified,
)
from handlers.core import inbox, router
from handlers.core.context import Deps, Request
from handlers.core.i18n import translator
from handlers.core.messages import Form, Message
from handlers.core.ports import ChatError, MessageRef
from handlers.core.registry import Registry

log = logging.getLogger(__name__)
_MENTION = re.compile(r"@[\w.-]+")


class MattermostChat:
    def __init__(self, api: MattermostAPI, *, public_url: str, bot_token: str) -> None:
        self.api = api
        self.action_url = public_url.rstrip("/") + "/mattermost/action"
        self.dialog_url = public_url.rstrip("/") + "/mattermost/dialog"
        self.secret = action_secret(bot_token)
        self.markup = markup(api.username)

    def body(self, message: Message) -> dict[str, Any]:
        return post_body(message, self.markup, action_url=self.action_url, secret=self.secret)

    def post(self, channel: str, message: Message, *, thread: MessageRef | None = None) -> MessageRef:
        post = {"channel_id": channel, **self.body(message)}
        if thread:
            post["root_id"] = thread.message_id
        return MessageRef(channel, self.api.create_post(post)["id"])

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
        hint = translator(form.language)("e.g. 12/12, samedi, 2026-12-12")
        opened = DialogState(form_id=form.form_id, user_id=self.user_id, channel=self.channel, state=form.state)
        state = seal(self.chat.secret, opened, now=time.time())
        self.chat.api.open_dialog(
            dialog(form, trigger_id=self.trigger_id, url=self.chat.dialog_url, state=state, date_hint=hint)
        )


def routes(settings: Settings, deps: Deps, chat: MattermostChat, intake: Intake) -> list[Route]:
    """Each request is stored in the inbox before it is answered, then processed
    from there: commands and dialog submissions after the answer, in a worker
    thread; button calls before it, since their answer carries what they say."""
    received = intake.receive

    def token_ok(token: Any) -> bool:
        return bool(token) and str(token) in settings.mattermost_command_tokens

    async def command(http: HttpRequest) -> Response:
        form = await _form(http)
        if not token_ok(form.get("token")):
            return JSONResponse({"text": "invalid token"}, status_code=401)
        user_id = str(form.get("user_id", ""))
        chat.api.remember(user_id, str(form.get("user_name", "")))
        where = {
            "response_url": str(form.get("response_url", "")),
            "trigger_id": str(form.get("trigger_id", "")),
            "channel": str(form.get("channel_id", "")),
        }
        payload = {
            "user_id": user_id,
            "channel": where["channel"],
            "reply": where,
            "name": str(form.get("command", "")).lstrip("/"),
            "text": str(form.get("text", "")),
        }
        row = await received(inbox.new_key("mattermost"), "command", payload)
        intake.process(row, "command", payload)
        return Response(status_code=200)

    async def action(http: HttpRequest) -> Response:
        payload = await _json(http)
        context = payload.get("context") or {}
        if not verified(chat.secret, context):
            return JSONResponse({"ephemeral_text": "invalid action"}, status_code=401)
        user_id = str(payload.get("user_id", ""))
        chat.api.remember(user_id, str(payload.get("user_name", "")))
        where = {"trigger_id": str(payload.get("trigger_id", "")), "channel": str(payload.get("channel_id", ""))}
        stored = {
            "user_id": user_id,
            "channel": where["channel"],
            "reply": where,
            "action_id": str(context["action_id"]),
            "value": str(context["value"]),
        }
        row = await received(inbox.new_key("mattermost"), "action", stored)
        reply = MattermostReply(chat, user_id=user_id, collect=True, **where)
        if row is not None:
            await asyncio.to_thread(inbox.process, deps, row, "action", stored, reply)
        said = reply.collected
        return JSONResponse({"ephemeral_text": "\n\n".join(said), "skip_slack_parsing": True} if said else {})

    async def dialog_submission(http: HttpRequest) -> Response:
        payload = await _json(http)
        if payload.get("cancelled"):
            return JSONResponse({})
        form_id, user_id = str(payload.get("callback_id", "")), str(payload.get("user_id", ""))
        try:
            opened = unseal(chat.secret, payload.get("state"), form_id=form_id, user_id=user_id, now=time.time())
        except StateRefused as exc:
            log.warning("refused a dialog submission (form %r, user %r): %s", form_id[:64], user_id[:64], exc)
            refusal = translator(deps.team.language)(
                "This form was not opened by Relais for you. Please open it again."
            )
            return JSONResponse({"error": refusal}, status_code=403)
        where = {"channel": opened.channel}
        req = Request(user_id=opened.user_id, reply=chat.reply_to(opened.user_id, where), channel_id=opened.channel)
        values = submitted_values(payload.get("submission"))
        errors = await asyncio.to_thread(router.validate_form, deps, req, opened.form_id, values)
        if errors:
            return JSONResponse({"errors": errors})
        stored = {
            "user_id": opened.user_id,
            "channel": opened.channel,
            "reply": where,
            "form_id": opened.form_id,
            "values": values,
            "state": opened.state,
        }
        row = await received(inbox.new_key("mattermost"), "form", stored)
        intake.process(row, "form", stored)
        return JSONResponse({})

    async def mention(http: HttpRequest) -> Response:
        """An outgoing webhook fired by the bot's name. The answer is posted by the bot
        through the API, in the post's thread: a webhook's own answer would appear under
        its creator's name, and the server refuses it when the post is itself a reply."""
        payload = await _json(http) if "json" in http.headers.get("content-type", "") else await _form(http)
        if not token_ok(payload.get("token")):
            return JSONResponse({"text": "invalid token"}, status_code=401)
        post_id = str(payload.get("post_id", ""))
        if not post_id:
            return JSONResponse({})
        stored = {
            "user_id": str(payload.get("user_id", "")),
            "channel": str(payload.get("channel_id", "")),
            "reply": {},
            "thread": await asyncio.to_thread(thread_root, post_id),
            "text": _MENTION.sub("", str(payload.get("text", ""))),
        }
        row = await received(f"mattermost-post:{post_id}", "mention", stored)
        intake.process(row, "mention", stored)
        return JSONResponse({})

    def thread_root(post_id: str) -> str:
        """The server refuses a reply to a reply: answer under the thread's first post."""
        try:
            return str(chat.api.get_post(post_id).get("root_id") or post_id)
        except ChatError as exc:
            log.warning("could not read the mentioned post, answering under it: %s", exc)
            return post_id

    return [
        Route("/mattermost/command", command, methods=["POST"]),
        Route("/mattermost/action", action, methods=["POST"]),
        Route("/mattermost/dialog", dialog_submission, methods=["POST"]),
        Route("/mattermost/mention", mention, methods=["POST"]),
    ]


async def _form(http: HttpRequest) -> dict[str, str]:
    """Slash commands come url-encoded; parsed here rather than with another dependency."""
    return {k: v[0] for k, v in parse_qs((await http.body()).decode(errors="replace")).items()}


async def _json(http: HttpRequest) -> dict[str, Any]:
    try:
        payload = await http.json()
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}


def autocomplete(features: Registry, language: str) -> list[tuple[str, str, str]]:
    """(trigger, hint, description) of each slash command, read from the declarations.
    The hint names each sub-command once, in its shortest form: `help | role [question] | …`."""
    _ = translator(language)
    found = []
    for top in features.slash_commands:
        shortest: dict[str, tuple[int, str]] = {}  # first word after the command -> (words, usage)
        for command in features.commands:
            words = command.path.split()
            if words[0] != top or not command.listed:
                continue
            usage = " ".join([*words[1:], _(command.args) if command.args else ""]).strip()
            first = words[1] if len(words) > 1 else ""
            if usage and (first not in shortest or len(words) < shortest[first][0]):
                shortest[first] = (len(words), usage)
        hint = " | ".join(usage for _n, usage in shortest.values())
        found.append((top, hint, _(features.descriptions.get(top, ""))))
    return found


def setup(settings: Settings, api: MattermostAPI, team_name: str, features: Registry) -> list[str]:
    """`relais mattermost-setup`: the two slash commands and the mention hook, created
    or, when an earlier run made them, updated in place; returns their tokens."""
    team_id = api.team_id(team_name)
    base = settings.public_url.rstrip("/")
    ours = lambda c: (
        str(c.get("url", "")).endswith("/mattermost/command") or str(c.get("display_name", "")).startswith("Relais")
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
