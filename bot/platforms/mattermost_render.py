"""Neutral messages and forms to Mattermost: markdown, one attachment carrying
the fields and buttons, interactive dialogs; and the signature that proves a
button call comes from a post Relais made."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from typing import Any, Callable

from handlers.messages import Field, Form, Markup, Message

_SPECIAL = re.compile(r"([\\`*_~\[\]()|<>])")
_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+\.)", re.MULTILINE)
TITLE_MAX = 24  # dialogs


def escape(text: str) -> str:
    """Backslash the markdown specials, and put a word joiner after every @ so
    neither @channel/@here/@all nor a user mention can fire from user text."""
    text = _LINE_START.sub(lambda m: m[1] + "\\" + m[2], _SPECIAL.sub(r"\\\1", text))
    return text.replace("@", "@\u2060")


def markup(username: Callable[[str], str]) -> Markup:
    return Markup(escape=escape, mention=lambda user_id: "@" + username(user_id), bold="**")


def action_secret(bot_token: str) -> bytes:
    return hashlib.sha256(b"relais-mattermost-actions:" + bot_token.encode()).digest()


def sign(secret: bytes, action_id: str, value: str) -> str:
    return hmac.new(secret, f"{action_id}\n{value}".encode(), hashlib.sha256).hexdigest()


def verified(secret: bytes, context: dict[str, Any]) -> bool:
    expected = sign(secret, str(context.get("action_id", "")), str(context.get("value", "")))
    return hmac.compare_digest(expected, str(context.get("sig", "")))


def post_body(message: Message, mk: Markup, *, action_url: str, secret: bytes) -> dict[str, Any]:
    """`message` and `props` of a post (or of an update, or an ephemeral answer)."""
    parts = []
    if message.title:
        parts.append("#### " + escape(message.title))
    if message.text:
        parts.append(mk.render(message.text))
    if message.context:
        parts.append(mk.render(message.context))
    body: dict[str, Any] = {"message": "\n\n".join(parts), "props": {}}
    if message.fields or message.actions:
        attachment: dict[str, Any] = {"fallback": escape(message.fallback or message.title)}
        if message.fields:
            attachment["fields"] = [{"title": label, "value": mk.render(value), "short": True} for label, value in message.fields]
        if message.actions:
            attachment["actions"] = [
                {
                    "id": re.sub(r"[^A-Za-z0-9]", "", b.action_id) + str(i),
                    "name": b.label,
                    "type": "button",
                    "style": b.style or "default",
                    "integration": {
                        "url": action_url,
                        "context": {"action_id": b.action_id, "value": b.value, "sig": sign(secret, b.action_id, b.value)},
                    },
                }
                for i, b in enumerate(message.actions)
            ]
        body["props"] = {"attachments": [attachment]}
    return body


def _element(field: Field, date_hint: str) -> dict[str, Any]:
    element: dict[str, Any] = {"display_name": field.label, "name": field.name, "optional": field.optional}
    if field.kind == "select":
        element.update(type="select", options=[{"text": o.label, "value": o.value} for o in field.options])
    else:
        element.update(type="textarea" if field.kind == "paragraph" else "text")
        if field.max_length:
            element["max_length"] = field.max_length
    if field.kind == "date":
        element["placeholder"] = date_hint
    if field.initial:
        element["default"] = field.initial
    if field.hint:
        element["help_text"] = field.hint
    return element


def dialog(form: Form, *, trigger_id: str, url: str, channel: str, date_hint: str) -> dict[str, Any]:
    return {
        "trigger_id": trigger_id,
        "url": url,
        "dialog": {
            "callback_id": form.form_id,
            "title": form.title[:TITLE_MAX],
            "submit_label": form.submit,
            "state": json.dumps({"state": form.state, "channel": channel}),
            "elements": [_element(f, date_hint) for f in form.fields],
        },
    }


def submitted_values(submission: dict[str, Any] | None) -> dict[str, str]:
    return {k: "" if v is None else str(v) for k, v in (submission or {}).items()}
