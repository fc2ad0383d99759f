"""Mattermost's endpoints: slash commands, buttons, dialogs and the mention hook.
Each proves where it comes from (a command or hook token, a signed action context,
a sealed dialog state), is stored in the inbox before it is answered, then
processed from there: commands and dialog submissions after the answer, in a
worker; button calls before it, since their answer carries what they say."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request as HttpRequest
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.config import Settings
from bot.intake import Intake
from bot.platforms.mattermost_chat import MattermostChat, MattermostReply
from bot.platforms.mattermost_proof import StateRefused, unseal, verified
from bot.platforms.mattermost_render import submitted_values
from handlers.core import inbox, router, rows
from handlers.core.context import Request
from handlers.core.deps import Deps
from handlers.core.i18n import translator
from handlers.core.inbound import Click, Command, Mention, Submission

log = logging.getLogger(__name__)
_MENTION = re.compile(r"@[\w.-]+")


class Endpoints:
    def __init__(self, settings: Settings, deps: Deps, chat: MattermostChat, intake: Intake) -> None:
        self.tokens, self.deps, self.chat, self.intake = settings.mattermost_command_tokens, deps, chat, intake

    def routes(self) -> list[Route]:
        return [
            Route("/mattermost/command", self.command, methods=["POST"]),
            Route("/mattermost/action", self.action, methods=["POST"]),
            Route("/mattermost/dialog", self.dialog, methods=["POST"]),
            Route("/mattermost/mention", self.mention, methods=["POST"]),
        ]

    def _token_ok(self, token: Any) -> bool:
        return bool(token) and str(token) in self.tokens

    async def command(self, http: HttpRequest) -> Response:
        form = await _form(http)
        if not self._token_ok(form.get("token")):
            return JSONResponse({"text": "invalid token"}, status_code=401)
        user_id, channel = str(form.get("user_id", "")), str(form.get("channel_id", ""))
        self.chat.api.remember(user_id, str(form.get("user_name", "")))
        where = {"response_url": str(form.get("response_url", "")), "trigger_id": str(form.get("trigger_id", "")),
                 "channel": channel}  # fmt: skip
        request = Command(user_id, channel, where, name=str(form.get("command", "")).lstrip("/"),
                          text=str(form.get("text", "")))  # fmt: skip
        row = await self.intake.receive(rows.new_key("mattermost"), request)
        self.intake.process(row, request)
        return Response(status_code=200)

    async def action(self, http: HttpRequest) -> Response:
        payload = await _json(http)
        context = payload.get("context") or {}
        if not verified(self.chat.secret, context):
            return JSONResponse({"ephemeral_text": "invalid action"}, status_code=401)
        user_id, channel = str(payload.get("user_id", "")), str(payload.get("channel_id", ""))
        self.chat.api.remember(user_id, str(payload.get("user_name", "")))
        where = {"trigger_id": str(payload.get("trigger_id", "")), "channel": channel}
        request = Click(user_id, channel, where, action_id=str(context["action_id"]), value=str(context["value"]))
        row = await self.intake.receive(rows.new_key("mattermost"), request)
        reply = MattermostReply(self.chat, user_id=user_id, collect=True, **where)
        if row is not None:
            await asyncio.to_thread(inbox.process, self.deps, row, request, reply)
        said = reply.collected
        return JSONResponse({"ephemeral_text": "\n\n".join(said), "skip_slack_parsing": True} if said else {})

    async def dialog(self, http: HttpRequest) -> Response:
        payload = await _json(http)
        if payload.get("cancelled"):
            return JSONResponse({})
        form_id, user_id = str(payload.get("callback_id", "")), str(payload.get("user_id", ""))
        try:
            opened = unseal(self.chat.secret, payload.get("state"), form_id=form_id, user_id=user_id, now=time.time())
        except StateRefused as exc:
            log.warning("refused a dialog submission (form %r, user %r): %s", form_id[:64], user_id[:64], exc)
            _ = translator(self.deps.team.language)
            return JSONResponse({"error": _("This form was not opened by Relais for you. Please open it again.")},
                                status_code=403)  # fmt: skip
        where = {"channel": opened.channel}
        req = Request(opened.user_id, self.chat.reply_to(opened.user_id, where), channel_id=opened.channel)
        values = submitted_values(payload.get("submission"))
        errors = await asyncio.to_thread(router.validate_form, self.deps, req, opened.form_id, values, opened.state)
        if errors:
            return JSONResponse({"errors": errors})
        request = Submission(opened.user_id, opened.channel, where, form_id=opened.form_id, values=values,
                             state=opened.state)  # fmt: skip
        row = await self.intake.receive(rows.new_key("mattermost"), request)
        self.intake.process(row, request)
        return JSONResponse({})

    async def mention(self, http: HttpRequest) -> Response:
        """An outgoing webhook fired by the bot's name, stored before any call. The answer is
        posted by the bot through the API, in the post's thread (the adapter finds its root):
        a webhook's own answer would appear under its creator's name, and the server refuses
        it when the post is itself a reply."""
        payload = await _json(http) if "json" in http.headers.get("content-type", "") else await _form(http)
        if not self._token_ok(payload.get("token")):
            return JSONResponse({"text": "invalid token"}, status_code=401)
        post_id = str(payload.get("post_id", ""))
        if not post_id:
            return JSONResponse({})
        request = Mention(str(payload.get("user_id", "")), str(payload.get("channel_id", "")), thread=post_id,
                          text=_MENTION.sub("", str(payload.get("text", ""))))  # fmt: skip
        row = await self.intake.receive(f"mattermost-post:{post_id}", request)
        self.intake.process(row, request)
        return JSONResponse({})


def routes(settings: Settings, deps: Deps, chat: MattermostChat, intake: Intake) -> list[Route]:
    return Endpoints(settings, deps, chat, intake).routes()


async def _form(http: HttpRequest) -> dict[str, str]:
    """Slash commands come url-encoded; parsed here rather than with another dependency."""
    return {k: v[0] for k, v in parse_qs((await http.body()).decode(errors="replace")).items()}


async def _json(http: HttpRequest) -> dict[str, Any]:
    try:
        payload = await http.json()
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}
