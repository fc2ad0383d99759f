"""Proof that a Mattermost request comes from Relais's own posts and dialogs: a
button call carries a context signed with a key derived from the bot's token,
and a dialog submission the sealed state Relais gave the dialog (Mattermost signs
neither)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any


def action_secret(bot_token: str) -> bytes:
    return hashlib.sha256(b"relais-mattermost-actions:" + bot_token.encode()).digest()


def _mac(secret: bytes, purpose: str, data: str) -> str:
    return hmac.new(secret, f"{purpose}\n{data}".encode(), hashlib.sha256).hexdigest()


def sign(secret: bytes, action_id: str, value: str) -> str:
    return _mac(secret, action_id, value)


def verified(secret: bytes, context: Any) -> bool:
    if not isinstance(context, dict):
        return False
    expected = sign(secret, str(context.get("action_id", "")), str(context.get("value", "")))
    return hmac.compare_digest(expected, str(context.get("sig", "")))


# Dialog submissions are not signed by Mattermost: the state we gave the dialog is,
# and names the form, the person it was opened for, the channel and an expiry.
DIALOG_TTL = 24 * 3600  # a long charter can take an evening to write


@dataclass(frozen=True)
class DialogState:
    form_id: str
    user_id: str
    channel: str
    state: str


class StateRefused(Exception):
    """Why a dialog submission is not one of ours (said in the log, never the submitted text)."""


def seal(secret: bytes, opened: DialogState, *, now: float) -> str:
    payload = json.dumps(
        {"f": opened.form_id, "u": opened.user_id, "c": opened.channel, "s": opened.state, "x": int(now) + DIALOG_TTL},
        separators=(",", ":"),
        ensure_ascii=False,
    )
    body = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
    return f"{body}.{_mac(secret, 'dialog', body)}"


def unseal(secret: bytes, sealed: Any, *, form_id: str, user_id: str, now: float) -> DialogState:
    """The state of a dialog Relais opened for this person and this form, still valid; else StateRefused."""
    body, _dot, mac = str(sealed or "").partition(".")
    if not body or not mac:
        raise StateRefused("no signed state")
    if not hmac.compare_digest(_mac(secret, "dialog", body), mac):
        raise StateRefused("state signature does not match")
    fields = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    if int(fields["x"]) < now:
        raise StateRefused("dialog expired")
    if fields["f"] != form_id:
        raise StateRefused(f"state is for form {fields['f']!r}, not {form_id!r}")
    if fields["u"] != user_id:
        raise StateRefused("dialog was opened for another user")
    return DialogState(form_id=fields["f"], user_id=fields["u"], channel=fields["c"], state=fields["s"])
