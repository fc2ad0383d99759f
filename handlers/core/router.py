"""The one entry point adapters call: a command, a click, a form, a mention.
What each one means is read from the features' declarations (registry.py)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from handlers.core import guide
from handlers.core.context import Deps, Request
from handlers.core.i18n import translator
from handlers.core.messages import FormErrors, Md, Message
from handlers.core.permissions import is_admin, is_cm
from handlers.core.uow import AlreadyProcessed

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., None])


def with_language(deps: Deps, req: Request) -> Request:
    """The person's language, looked up once for the whole request."""
    return req if req.language else replace(req, language=deps.language(req.user_id))


def guarded(fn: F) -> F:
    """Nothing raises to the user: a failure is logged and the person gets a plain apology."""

    @functools.wraps(fn)
    def run(deps: Deps, req: Request, *args: Any) -> None:
        req = with_language(deps, req)
        try:
            fn(deps, req, *args)
        except AlreadyProcessed:
            log.info("%s: request already processed by another worker", fn.__name__)
        except Exception:
            log.exception("%s failed for %s", fn.__name__, req.user_id)
            _ = translator(req.language)
            text = Md.of(
                _("⚠️ Something went wrong on my side. What was already saved is kept; please try again in a moment.")
            )
            typed = _typed(fn.__name__, args)
            if typed:  # e.g. a read-only database: the person copies their text instead of retyping it
                text = Md.of("{t}\n{h}\n> {typed}", t=text, h=_("What you typed, to copy:"), typed=typed)
            try:
                req.reply.reply(Message(text=text))
            except Exception:
                log.warning("could not tell %s about the failure", req.user_id)

    return run  # type: ignore[return-value]


def _typed(use_case: str, args: tuple[Any, ...]) -> str:
    """What the person wrote in the request that failed: a command's text or a form's fields."""
    if use_case == "command":
        return f"/{args[0]} {args[1]}".strip() if str(args[1]).strip() else ""
    values = next((a for a in args if isinstance(a, dict)), {})
    return "\n\n".join(str(v).strip() for v in values.values() if str(v).strip())


@guarded
def command(deps: Deps, req: Request, name: str, text: str) -> None:
    """`name` is the slash command without its slash: `news` or `cm`."""
    found, rest = deps.features.find(name.casefold(), text)
    if found is None:
        guide.show(deps, req, unknown=f"/{name} {text.strip()}")
        return
    allowed = {"anyone": True, "cm": is_cm(deps, req.user_id), "admin": is_admin(deps, req.user_id)}[found.who]
    if not allowed:
        req.reply.reply(Message(text=Md.of(translator(req.language)(found.refusal))))
        return
    found.run(deps, req, rest)


@guarded
def action(deps: Deps, req: Request, action_id: str, value: str) -> None:
    prefix, _dot, verb = action_id.partition(".")
    run = deps.features.buttons.get(prefix)
    if run is None:
        guide.show(deps, req)
    else:
        run(deps, req, verb, value)


def validate_form(deps: Deps, req: Request, form_id: str, values: dict[str, str]) -> FormErrors:
    """Fast and store-nothing: platforms need the verdict within seconds."""
    form = deps.features.forms.get(form_id)
    return form[0](deps, with_language(deps, req), values) if form else {}


@guarded
def submit_form(deps: Deps, req: Request, form_id: str, values: dict[str, str], state: str) -> None:
    form = deps.features.forms.get(form_id)
    if form:
        form[1](deps, req, values, state)


@guarded
def home_opened(deps: Deps, req: Request) -> None:
    if deps.features.home is not None:
        deps.features.home(deps, req)


def mention(deps: Deps, user_id: str, text: str) -> Message:
    answer = deps.features.mention
    assert answer is not None, "no feature answers mentions"
    return answer(deps, user_id, text)  # type: ignore[no-any-return]
