"""The one entry point adapters call: a command, a click, a form, a mention.
What each one means is read from the features' declarations (registry.py)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any, TypeVar

from handlers.core import guide
from handlers.core.context import Request
from handlers.core.deps import Deps
from handlers.core.i18n import translator
from handlers.core.messages import FormErrors, Md, Message
from handlers.core.permissions import is_admin, is_cm
from handlers.core.ports import ChatError
from handlers.core.registry import ADMIN_ONLY, CM_ONLY, Quoted, Registry, Who
from handlers.core.uow import AlreadyProcessed, SqlUnitOfWork
from handlers.core.work import UnitOfWork

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., None])


def prepared(deps: Deps, req: Request) -> Request:
    """The person's language, looked up once for the whole request, and whether they are a CM."""
    cm = is_cm(deps.team, req.user_id)
    if req.language and req.cm == cm:
        return req
    return replace(req, language=req.language or deps.language(req.user_id), cm=cm)


def guarded(fn: F) -> F:
    """Nothing raises to the user: a failure is logged and the person gets a plain apology."""

    @functools.wraps(fn)
    def run(deps: Deps, req: Request, *args: Any) -> None:
        req = prepared(deps, req)
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


def _allowed(deps: Deps, req: Request, who: Who) -> bool:
    return who == "anyone" or (req.cm if who == "cm" else is_admin(deps.team, req.user_id))


def _refuse(req: Request, refusal: str, who: Who) -> None:
    """The declaration's one refusal, in the person's language; nothing ran."""
    _ = translator(req.language)
    req.reply.reply(Message(text=Md.of(_(refusal or (CM_ONLY if who == "cm" else ADMIN_ONLY)))))


def _run(deps: Deps, req: Request, use_case: Callable[[UnitOfWork], None]) -> None:
    """The use case gets its unit of work; what it owes is sent once it returns."""
    uow = SqlUnitOfWork(deps, req)
    use_case(uow)
    uow.deliver()


@guarded
def command(deps: Deps, req: Request, name: str, text: str) -> None:
    """`name` is the slash command without its slash: `news` or `cm`."""
    found, rest = deps.features.find(name.casefold(), text)
    if found is None:
        _run(deps, req, lambda _uow: guide.show(req, deps.features, unknown=f"/{name} {text.strip()}".strip()))
    elif not _allowed(deps, req, found.who):
        _refuse(req, found.refusal, found.who)
    else:
        _run(deps, req, lambda uow: found.run(uow, req, rest))


@guarded
def action(deps: Deps, req: Request, action_id: str, value: str) -> None:
    button = deps.features.button_for(action_id)
    if button is None:
        _run(deps, req, lambda _uow: guide.show(req, deps.features))
    elif not _allowed(deps, req, button.who):
        _refuse(req, button.refusal, button.who)
    else:
        verb = action_id.partition(".")[2]
        _run(deps, req, lambda uow: button.run(uow, req, verb, value))


def validate_form(deps: Deps, req: Request, form_id: str, values: dict[str, str]) -> FormErrors:
    """Fast and store-nothing: platforms need the verdict within seconds. A person who
    may not use the form gets no verdict here: the submission says why. A check that needs
    the platform while it is down gives no verdict either: the submission is stored, and its
    own check, run from the inbox, says what is wrong."""
    form = deps.features.forms.get(form_id)
    try:
        req = prepared(deps, req)
        if form is None or not _allowed(deps, req, form.who):
            return {}
        return form.validate(SqlUnitOfWork(deps, req), req, values)
    except ChatError as exc:
        log.warning("a form's check needed the platform, which failed; stored unchecked: %s", exc)
        return {}


@guarded
def submit_form(deps: Deps, req: Request, form_id: str, values: dict[str, str], state: str) -> None:
    form = deps.features.forms.get(form_id)
    if form is None:
        return
    if not _allowed(deps, req, form.who):
        _refuse(req, form.refusal, form.who)
    else:
        _run(deps, req, lambda uow: form.submit(uow, req, values, state))


@guarded
def home_opened(deps: Deps, req: Request) -> None:
    for opened in deps.features.homes:
        _run(deps, req, lambda uow: opened(uow, req))  # noqa: B023 - run at once, in this iteration


@guarded
def shortcut(deps: Deps, req: Request, callback_id: str, quoted: Quoted | None) -> None:
    declared = deps.features.shortcuts.get(callback_id)
    if declared is None:
        _run(deps, req, lambda _uow: guide.show(req, deps.features))
    else:
        _run(deps, req, lambda uow: declared.run(uow, req, quoted))


@guarded
def direct_message(deps: Deps, req: Request, text: str) -> None:
    """A direct message to Relais (not a command): the first feature that answers it."""

    def answer(uow: UnitOfWork) -> None:
        if not any(reply(uow, req, text) for _order, reply in deps.features.directs):
            guide.show(req, deps.features)

    _run(deps, req, answer)


def mention(uow: UnitOfWork, features: Registry, user_id: str, text: str) -> Message:
    """The answer to a mention of the bot, from the one feature that declared it."""
    assert features.mention_answer is not None, "no feature answers mentions"
    return features.mention_answer(uow, user_id, text)
