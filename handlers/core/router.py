"""The one entry point adapters call: a command, a click, a form, a mention.
What each one means is read from the features' declarations (registry.py)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from handlers.core import guide
from handlers.core.context import Request
from handlers.core.deps import Deps
from handlers.core.i18n import translator
from handlers.core.inbound import typed_command, typed_values
from handlers.core.messages import FormErrors, Md, Message
from handlers.core.permissions import is_cm
from handlers.core.ports import ChatError
from handlers.core.registry import ANYONE, Access, FormSpec, Quoted, Registry
from handlers.core.uow import AlreadyProcessed, SqlUnitOfWork
from handlers.core.work import UnitOfWork

log = logging.getLogger(__name__)


def prepared(deps: Deps, req: Request) -> Request:
    """The person's language, looked up once for the whole request, and whether they are a CM."""
    cm = is_cm(deps.team, req.user_id)
    if req.language and req.cm == cm:
        return req
    return replace(req, language=req.language or deps.language(req.user_id), cm=cm)


def _safely(deps: Deps, req: Request, typed: str, use_case: Callable[[Request], None]) -> None:
    """Nothing raises to the user: a failure is logged and the person gets a plain
    apology, with what they typed (`typed`: a command's text, a form's fields) to copy,
    e.g. when the database is read-only, so they need not type it again."""
    req = prepared(deps, req)
    try:
        use_case(req)
    except AlreadyProcessed:
        log.info("request already processed by another worker")
    except Exception:
        log.exception("a request from %s failed", req.user_id)
        apologize(req, typed)


def apologize(req: Request, typed: str) -> None:
    """The plain apology for a request that failed, with what the person typed to copy."""
    _ = translator(req.language)
    text = Md.of(_("⚠️ Something went wrong on my side. What was already saved is kept; please try again in a moment."))
    if typed.strip():
        text = Md.of("{t}\n{h}\n> {typed}", t=text, h=_("What you typed, to copy:"), typed=typed.strip())
    try:
        req.reply.reply(Message(text=text))
    except Exception:
        log.warning("could not tell %s about the failure", req.user_id)


def _run(
    deps: Deps, req: Request, use_case: Callable[[UnitOfWork], None], access: Access = ANYONE, subject: str = ""
) -> None:
    """The use case gets its unit of work if the declaration's access lets the person
    in (else its refusal, and nothing runs); what it owes is sent once it returns."""
    uow = SqlUnitOfWork(deps, req)
    if not access.allows(uow, req, subject):
        _ = translator(req.language)
        req.reply.reply(Message(text=Md.of(_(access.refusal))))
        return
    use_case(uow)
    uow.deliver()


def command(deps: Deps, req: Request, name: str, text: str) -> None:
    """`name` is the slash command without its slash: `news` or `cm`."""

    def run(req: Request) -> None:
        found, rest = deps.features.find(name.casefold(), text)
        if found is None:
            _run(deps, req, lambda _uow: guide.show(req, deps.features, unknown=f"/{name} {text.strip()}".strip()))
        else:
            _run(deps, req, lambda uow: found.run(uow, req, rest), found.access, rest)

    _safely(deps, req, typed_command(name, text), run)


def action(deps: Deps, req: Request, action_id: str, value: str) -> None:
    def run(req: Request) -> None:
        button = deps.features.button_for(action_id)
        if button is None:
            _run(deps, req, lambda _uow: guide.show(req, deps.features))
        else:
            verb = action_id.partition(".")[2]
            _run(deps, req, lambda uow: button.run(uow, req, verb, value), button.access, value)

    _safely(deps, req, "", run)


def validate_form(deps: Deps, req: Request, form_id: str, values: dict[str, str], state: str) -> FormErrors:
    """Fast and store-nothing: platforms need the verdict within seconds. A person who
    may not use the form gets no verdict here: the submission says why. A check that needs
    the platform while it is down gives no verdict either: the submission is stored, and its
    own check, run from the inbox, says what is wrong."""
    form = deps.features.forms.get(form_id)
    try:
        req = prepared(deps, req)
        uow = SqlUnitOfWork(deps, req)
        if form is None or not form.access.allows(uow, req, state):
            return {}
        return form.validate(uow, req, values)
    except ChatError as exc:
        log.warning("a form's check needed the platform, which failed; stored unchecked: %s", exc)
        return {}


def submit_form(deps: Deps, req: Request, form_id: str, values: dict[str, str], state: str) -> None:
    form = deps.features.forms.get(form_id)
    if form is not None:
        _safely(
            deps,
            req,
            typed_values(values),
            lambda req: _run(deps, req, lambda uow: _checked_submit(form, uow, req, values, state), form.access, state),
        )


def _checked_submit(form: FormSpec, uow: UnitOfWork, req: Request, values: dict[str, str], state: str) -> None:
    """The form's check once more: under `relais serve` a form whose check took longer than
    the platform waits was stored unchecked (bot/front.py). What is wrong is then said by
    message, with what was typed to copy; nothing is done."""
    try:
        errors = form.validate(uow, req, values)
    except ChatError:  # the check needs the platform, which failed: as before the ack, no verdict
        errors = {}
    if not errors:
        form.submit(uow, req, values, state)
        return
    _ = translator(req.language)
    text = Md.of("{t}\n{problems}\n{h}\n> {typed}", t=_("⚠️ The form was not taken:"),
                 problems="\n".join(f"• {e}" for e in errors.values()), h=_("What you typed, to copy:"),
                 typed=typed_values(values))  # fmt: skip
    req.reply.reply(Message(text=text))


def home_opened(deps: Deps, req: Request) -> None:
    def run(req: Request) -> None:
        for opened in deps.features.homes:
            _run(deps, req, lambda uow: opened(uow, req))  # noqa: B023 - run at once, in this iteration

    _safely(deps, req, "", run)


def shortcut(deps: Deps, req: Request, callback_id: str, quoted: Quoted | None) -> None:
    def run(req: Request) -> None:
        declared = deps.features.shortcuts.get(callback_id)
        if declared is None:
            _run(deps, req, lambda _uow: guide.show(req, deps.features))
        else:
            _run(deps, req, lambda uow: declared.run(uow, req, quoted))

    _safely(deps, req, "", run)


def direct_message(deps: Deps, req: Request, text: str) -> None:
    """A direct message to Relais (not a command): the first feature that answers it."""

    def answer(uow: UnitOfWork, req: Request) -> None:
        if not any(direct.answer(uow, req, text) for direct in deps.features.directs):
            guide.show(req, deps.features)

    _safely(deps, req, "", lambda req: _run(deps, req, lambda uow: answer(uow, req)))


def mention(uow: UnitOfWork, features: Registry, user_id: str, text: str) -> Message:
    """The answer to a mention of the bot, from the one feature that declared it."""
    assert features.mention_answer is not None, "no feature answers mentions"
    return features.mention_answer(uow, user_id, text)
