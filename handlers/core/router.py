"""The one entry point adapters call: a command, a click, a form, a mention.
Adapters translate payloads into these calls; nothing here knows the platform."""

from __future__ import annotations

import functools
import logging
from typing import Any, Callable, TypeVar

from sqlalchemy.exc import IntegrityError

from handlers.charters import edit as charters
from handlers.core import guide as help
from handlers.moderation import log as moderation
from handlers.news import submit as news
from handlers.recap import weekly as recap
from handlers.role import answer as role
from handlers.topics import sensitive as topics
from handlers.news import triage
from handlers.core.context import Deps, Request
from handlers.core.i18n import translator
from handlers.core.messages import FormErrors, Md, Message
from storage.models import SeenDelivery

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., None])


def guarded(fn: F) -> F:
    """Nothing raises to the user: a failure is logged and the person gets a plain apology."""

    @functools.wraps(fn)
    def run(deps: Deps, req: Request, *args: Any) -> None:
        try:
            fn(deps, req, *args)
        except Exception:
            log.exception("%s failed for %s", fn.__name__, req.user_id)
            _ = translator(deps.team.language)
            text = _("⚠️ Something went wrong on my side. What was already saved is kept; please try again in a moment.")
            try:
                req.reply.reply(Message(text=Md.of(text)))
            except Exception:
                log.warning("could not tell %s about the failure", req.user_id)

    return run  # type: ignore[return-value]

Validator = Callable[[Deps, Request, dict[str, str]], FormErrors]
Submitter = Callable[[Deps, Request, dict[str, str], str], None]

FORMS: dict[str, tuple[Validator, Submitter]] = {
    "news.submit": (news.validate, lambda d, r, v, _state: news.submit_form(d, r, v)),
    "moderation.log": (moderation.validate, moderation.submit),
    "moderation.change": (moderation.validate_change, moderation.submit_change),
    **{
        f"charter.{kind}": (charters.validate, lambda d, r, v, s, k=kind: charters.save(d, r, k, v, s))
        for kind in ("role", *charters.KINDS)
    },
    **{
        f"news.{action}": (
            lambda d, r, v, a=action: triage.validate(d, r, a, v),
            lambda d, r, v, s, a=action: triage.submit(d, r, a, v, s),
        )
        for action in triage.FORMS
    },
}


@guarded
def command(deps: Deps, req: Request, name: str, text: str) -> None:
    """`name` is the command without its slash: `news` or `cm`."""
    if name == "news":
        news.command(deps, req, text)
        return
    sub, _sep, rest = text.strip().partition(" ")
    sub, rest = sub.casefold(), rest.strip()
    if sub == "role" and rest.casefold() == "edit":
        charters.edit_form(deps, req, role.KIND)
    elif sub == "role":
        role.show(deps, req, rest)
    elif sub == "queue":
        news.queue(deps, req)
    elif sub in ("topics", "sujets"):
        topics.command(deps, req, rest)
    elif sub in ("charter", "charte"):
        charters.command(deps, req, rest)
    elif sub in ("log", "journal"):
        moderation.command(deps, req, rest)
    elif sub == "recap":
        recap.show(deps, req, rest)
    elif sub in ("language", "langue"):
        help.set_language(deps, req, rest)
    elif sub in ("", "help", "aide"):
        help.show(deps, req)
    else:
        help.show(deps, req, unknown=f"/{name} {text.strip()}")


@guarded
def action(deps: Deps, req: Request, action_id: str, value: str) -> None:
    prefix, _dot, verb = action_id.partition(".")
    if prefix == "news" and verb in triage.TRANSITIONS:
        triage.click(deps, req, verb, value)
    elif prefix == "moderation":
        moderation.click(deps, req, verb, value)
    else:
        help.show(deps, req)


def validate_form(deps: Deps, req: Request, form_id: str, values: dict[str, str]) -> FormErrors:
    """Fast and store-nothing: platforms need the verdict within seconds."""
    return FORMS[form_id][0](deps, req, values) if form_id in FORMS else {}


@guarded
def submit_form(deps: Deps, req: Request, form_id: str, values: dict[str, str], state: str) -> None:
    if form_id in FORMS:
        FORMS[form_id][1](deps, req, values, state)


def mention(deps: Deps, user_id: str, text: str) -> Message:
    return role.mention(deps, user_id, text)


def first_time(deps: Deps, key: str) -> bool:
    """False if this platform delivery (event id, retried request) was handled already."""
    try:
        with deps.db.begin() as s:
            s.add(SeenDelivery(key=key[:128]))
        return True
    except IntegrityError:
        return False
