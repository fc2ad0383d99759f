"""Neutral messages and forms to Block Kit: messages as plain JSON (the hot path),
forms with slack_sdk.models."""

from __future__ import annotations

import json
import re
from typing import Any

from slack_sdk.models.blocks import (
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.blocks import (
    Option as SlackOption,
)
from slack_sdk.models.views import View

from bot.platforms.links import escape_around_links
from handlers.core.messages import Button, Field, Form, Markup, Message

SECTION_MAX = 3000  # Block Kit's limit for one text object
FIELD_MAX = 2000
HEADER_MAX = 150
MODAL_TITLE_MAX = 24
Block = dict[str, Any]  # one Block Kit block, or an element of one, as JSON


def _entities(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape(text: str) -> str:
    """Slack's three entities, which also defuse `<!channel>` and `<@U…>`; every bare
    `@` gets a word joiner after it, so no client ever turns `@channel` into a ping.
    Web and e-mail addresses keep their `@` as typed (only their `&` is written `&amp;`,
    as Slack asks), so they still link where the person meant."""
    return escape_around_links(text, lambda prose: _entities(prose).replace("@", "@\u2060"), _entities)


SLACK = Markup(escape=escape, mention=lambda user_id: f"<@{user_id}>", bold="*")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: _cut(text, limit - 1)].rstrip() + "…"


# What a cut must not fall inside: an entity, a mention or link (`<@U1>`, `<!here>`, `<url|text>`).
_ATOM = re.compile(r"&(?:amp|lt|gt);|<[^<>]*>")


def _cut(text: str, limit: int) -> int:
    """Where to end the first chunk: the last line break, else the last space, before
    the limit, and never inside an atom."""
    cut = text.rfind("\n", 0, limit + 1)
    if cut <= 0:
        cut = text.rfind(" ", 0, limit + 1)
    if cut <= 0:
        cut = limit
    for atom in _ATOM.finditer(text, max(0, cut - limit), min(len(text), cut + limit)):
        if atom.start() < cut < atom.end():
            return atom.start() if atom.start() > 0 else atom.end()
    return cut


def _chunks(text: str, limit: int = SECTION_MAX) -> list[str]:
    """Long text over several blocks, cut between words and never inside an escape or a mention."""
    out: list[str] = []
    while len(text) > limit:
        cut = _cut(text, limit)
        out.append(text[:cut].rstrip(" "))
        text = text[cut:].lstrip("\n ")
    return out + [text] if text else out


def _mrkdwn(text: str) -> Block:
    return {"type": "mrkdwn", "text": text}


def _section(text: str) -> Block:
    return {"type": "section", "text": _mrkdwn(text)}


def _button(button: Button) -> Block:
    """As slack_sdk's ButtonElement writes it: an empty value or style is left out."""
    label = {"type": "plain_text", "text": button.label, "emoji": True}
    out: Block = {"type": "button", "text": label, "action_id": button.action_id}
    if button.value:
        out["value"] = button.value
    if button.style:
        out["style"] = button.style
    return out


def blocks(message: Message) -> list[Block]:
    """A message's blocks as the JSON Slack reads, written as plain dicts: every message
    goes through here, and building slack_sdk's block objects then serialising them took
    about a tenth of a worker's time per news item (bench/README.md);
    tests/unit/test_slack_blocks.py checks these are the dicts those objects write."""
    result: list[Block] = []
    if message.title:  # a bold section rather than a header: mrkdwn is where Slack honours escaping
        result.append(_section(f"*{escape(_clip(message.title, HEADER_MAX))}*"))
    if message.text:
        result += [_section(c) for c in _chunks(SLACK.render(message.text))]
    fields = [_mrkdwn(_clip(f"*{escape(label)}*\n{SLACK.render(value)}", FIELD_MAX)) for label, value in message.fields]
    for start in range(0, len(fields), 10):
        result.append({"type": "section", "fields": fields[start : start + 10]})
    if message.context:
        result.append({"type": "context", "elements": [_mrkdwn(_clip(SLACK.render(message.context), SECTION_MAX))]})
    if message.actions:
        result.append({"type": "actions", "elements": [_button(b) for b in message.actions]})
    return result


def message_args(message: Message) -> dict[str, Any]:
    """Keyword arguments for chat.postMessage / chat.update / response_url."""
    if message.fallback or message.title:
        fallback = escape(message.fallback or message.title)
    else:
        fallback = SLACK.render(message.text) if message.text else ""
    return {"blocks": blocks(message), "text": _clip(fallback, SECTION_MAX)}


def _element(field: Field) -> Any:
    if field.kind == "select":
        options = [SlackOption(value=o.value, label=o.label) for o in field.options]
        initial = next((o for o in options if o.value == field.initial), None)
        return StaticSelectElement(action_id=field.name, options=options, initial_option=initial)
    if field.kind == "date":
        return DatePickerElement(action_id=field.name, initial_date=field.initial or None)
    if field.kind == "person":
        return UserSelectElement(action_id=field.name, initial_user=field.initial or None)
    return PlainTextInputElement(
        action_id=field.name,
        multiline=field.kind == "paragraph",
        max_length=field.max_length,
        initial_value=field.initial or None,
    )


def modal(form: Form, *, cancel: str, channel: str) -> View:
    """The form as a modal; the state and the channel it came from ride in private_metadata."""
    return View(
        type="modal",
        callback_id=form.form_id,
        title=PlainTextObject(text=_clip(form.title, MODAL_TITLE_MAX)),
        submit=PlainTextObject(text=form.submit),
        close=PlainTextObject(text=cancel),
        private_metadata=json.dumps({"state": form.state, "channel": channel}),
        blocks=[SectionBlock(text=MarkdownTextObject(text=c)) for c in _intro(form)]
        + [
            InputBlock(
                block_id=f.name,
                label=f.label,
                element=_element(f),
                optional=f.optional,
                hint=PlainTextObject(text=f.hint) if f.hint else None,
            )
            for f in form.fields
        ],
    )


def _intro(form: Form) -> list[str]:
    """What the form shows above its fields, in sections of Block Kit's size (a modal holds
    100 blocks: the intro takes at most 20 of them)."""
    return _chunks(SLACK.render(form.intro))[:20] if form.intro else []


def submitted_values(view: dict[str, Any]) -> dict[str, str]:
    """A view_submission's state, flattened to field name -> text ('' when left empty)."""
    values: dict[str, str] = {}
    for block_id, actions in view.get("state", {}).get("values", {}).items():
        for state in actions.values():
            kind = state.get("type")
            if kind == "static_select":
                values[block_id] = (state.get("selected_option") or {}).get("value", "")
            elif kind == "datepicker":
                values[block_id] = state.get("selected_date") or ""
            elif kind == "users_select":
                values[block_id] = state.get("selected_user") or ""
            else:
                values[block_id] = state.get("value") or ""
    return values


_MARKUP = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


def plain_text(mrkdwn: str) -> str:
    """A Slack message's text as a person reads it: `<https://x|the page>` is "the page
    (https://x)", a bare `<https://x>` the address itself, `<@U1>` "@U1", `<#C1|general>`
    "#general", `<!here>` "@here" (defused again wherever it is shown), and `&amp; &lt; &gt;`
    their characters. Addresses are kept exactly as Slack gives them."""

    def one(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("@"):
            return "@" + (label or target[1:])
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            return "@" + (label or target[1:].split("^")[0])
        if label and label != target and label != target.removeprefix("mailto:"):
            return f"{label} ({target})"
        return target.removeprefix("mailto:") if label else target

    text = _MARKUP.sub(one, mrkdwn)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
