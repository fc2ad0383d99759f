"""Neutral messages and forms to Mattermost: markdown, one attachment carrying
the fields and buttons, interactive dialogs. Buttons carry a signed context
(mattermost_proof.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from bot.platforms.links import escape_around_links
from bot.platforms.mattermost_proof import sign
from handlers.core.messages import Field, Form, Markup, Message

# What Mattermost's markdown treats as syntax inside a line: emphasis, code,
# strike-through, links, tables. `<` is not (Mattermost renders no HTML), and a
# backslash before any other character is shown as typed.
INTRO_MAX = 3000  # bytes of a dialog's introduction_text kept (the message answered, a charter)
_INLINE = re.compile(r"([`*_~\[\]|])")
_BACKSLASH = re.compile(r"\\(?=[\\`*{}\[\]()#+\-.!_>~|])")
# Line starts that open a block: heading, quote, list item, numbered item (the dot is escaped).
_LINE_START = re.compile(r"^([ \t]*)(?:([#>+-])|(\d+)([.)]))", re.MULTILINE)
_SETEXT = re.compile(r"^([ \t]*)(?==+[ \t]*$)", re.MULTILINE)  # a line of `=` under text makes a heading
_SYSTEM_MENTION = re.compile(r"@(?=(?:all|channel|here)\b)", re.IGNORECASE)
# Slack-style `<!channel>`, `<@id>` and `<url|text>`, which Mattermost's Slack compatibility would expand.
_SLACK_SYNTAX = re.compile(r"<(?=[!@#]|https?:|mailto:)", re.IGNORECASE)
# Dialog limits, in bytes (server/public/model/integration_action.go).
TITLE_MAX = 24
ELEMENT_LABEL_MAX = 24
HELP_TEXT_MAX = 150
TEXT_MAX = 150
TEXTAREA_MAX = 3000


def _escape_prose(text: str) -> str:
    text = _INLINE.sub(r"\\\1", _BACKSLASH.sub(r"\\\\", text))
    return text.replace("@", "@\u2060")


def _defuse_link(link: str) -> str:
    """An address stays as typed, except `/@all`, `/@channel`, `/@here`: Mattermost's
    mention parser splits words on `/`, so these would notify a whole channel."""
    return _SYSTEM_MENTION.sub("@\u2060", link)


def escape(text: str) -> str:
    """User text as text: markdown syntax backslashed where Mattermost would read
    it, a word joiner after every `@` so no mention can fire, links as typed."""
    text = _SLACK_SYNTAX.sub("<\u2060", escape_around_links(text, _escape_prose, _defuse_link))
    text = _LINE_START.sub(lambda m: m[1] + ("\\" + m[2] if m[2] else m[3] + "\\" + m[4]), text)
    return _SETEXT.sub("\\1\u200b", text)


def markup(username: Callable[[str], str]) -> Markup:
    return Markup(
        escape=escape,
        mention=lambda user_id: "@" + username(user_id),
        bold="**",
        escape_code=escape_code,
    )


def escape_code(text: str) -> str:
    """Inside a code span Mattermost reads no backslash: only a backtick could end it,
    and a mention is still defused."""
    return text.replace("`", "'").replace("@", "@\u2060")


def _head(message: Message, mk: Markup) -> list[str]:
    """The title and text: a post's fixed part."""
    parts = ["#### " + escape(message.title)] if message.title else []
    if message.text:
        parts.append(mk.render(message.text))
    return parts


def _attachment(message: Message, mk: Markup) -> dict[str, Any]:
    """Everything a card's update may change lives here, not in the post's message:
    servers with a PostEditTimeLimit refuse message edits after it, never props edits."""
    attachment: dict[str, Any] = {"fallback": escape(message.fallback or message.title)}
    if message.context:
        attachment["text"] = mk.render(message.context)
    if message.fields:
        attachment["fields"] = [
            {"title": label, "value": mk.render(value), "short": True} for label, value in message.fields
        ]
    return attachment


def post_body(message: Message, mk: Markup, *, action_url: str, secret: bytes) -> dict[str, Any]:
    """`message` and `props` of a post (or of an update, or an ephemeral answer)."""
    card = bool(message.fields or message.actions)
    parts = _head(message, mk)
    if message.context and not card:
        parts.append(mk.render(message.context))
    body: dict[str, Any] = {"message": "\n\n".join(parts), "props": {}}
    if card:
        attachment = _attachment(message, mk)
        if message.actions:
            attachment["actions"] = [
                {
                    "id": re.sub(r"[^A-Za-z0-9]", "", b.action_id) + str(i),
                    "name": b.label,
                    "type": "button",
                    "style": b.style or "default",
                    "integration": {
                        "url": action_url,
                        "context": {
                            "action_id": b.action_id,
                            "value": b.value,
                            "sig": sign(secret, b.action_id, b.value),
                        },
                    },
                }
                for i, b in enumerate(message.actions)
            ]
        body["props"] = {"attachments": [attachment]}
    return body


def plain_text(message: Message, mk: Markup) -> str:
    """The whole message as markdown alone, for `ephemeral_text`, which carries no attachment."""
    parts = _head(message, mk)
    parts += [f"**{escape(label)}**: {mk.render(value)}" for label, value in message.fields]
    if message.context:
        parts.append(mk.render(message.context))
    return "\n\n".join(parts)


def clip_bytes(text: str, limit: int) -> str:
    """At most `limit` UTF-8 bytes, cut between characters (Mattermost counts bytes)."""
    return text.encode()[:limit].decode(errors="ignore")


def clip_title(title: str, limit: int = TITLE_MAX) -> str:
    """A dialog title within the limit, ending on a whole word and an ellipsis when cut."""
    if len(title.encode()) <= limit:
        return title
    cut = clip_bytes(title, limit - len("…".encode()))
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:") + "…"


def _element(field: Field, date_hint: str) -> dict[str, Any]:
    element: dict[str, Any] = {
        "display_name": clip_bytes(field.label, ELEMENT_LABEL_MAX),
        "name": field.name,
        "optional": field.optional,
    }
    if field.kind == "select":
        element.update(type="select", options=[{"text": o.label, "value": o.value} for o in field.options])
    elif field.kind == "person":
        element.update(type="select", data_source="users")
    else:
        # A one-line input holds 150 characters on Mattermost: longer answers get a text area.
        long = field.kind == "paragraph" or (field.max_length or 0) > TEXT_MAX
        element.update(type="textarea" if long else "text")
        if field.max_length:
            element["max_length"] = min(field.max_length, TEXTAREA_MAX if long else TEXT_MAX)
    if field.kind == "date":
        element["placeholder"] = date_hint
    if field.initial:
        element["default"] = field.initial
    if field.hint:
        element["help_text"] = clip_bytes(field.hint, HELP_TEXT_MAX)
    return element


def dialog(form: Form, *, trigger_id: str, url: str, state: str, date_hint: str, intro: str = "") -> dict[str, Any]:
    """The form as an interactive dialog; `intro` (markdown, already rendered) above the fields."""
    body: dict[str, Any] = {
        "callback_id": form.form_id,
        "title": clip_title(form.title),
        "submit_label": form.submit,
        "state": state,
        "elements": [_element(f, date_hint) for f in form.fields],
    }
    if intro:
        body["introduction_text"] = clip_bytes(intro, INTRO_MAX)
    return {"trigger_id": trigger_id, "url": url, "dialog": body}


def submitted_values(submission: Any) -> dict[str, str]:
    if not isinstance(submission, dict):
        return {}
    return {str(k): "" if v is None else str(v) for k, v in submission.items()}
