"""News from the leaders to the CM: declared commands, buttons and forms."""

from __future__ import annotations

from handlers.core.context import Deps, Request
from handlers.core.i18n import N_
from handlers.core.messages import FormErrors
from handlers.core.registry import Registry
from handlers.news import delivery, submit, triage


def register(reg: Registry) -> None:
    reg.describe("news", N_("Send a news item to the community manager"))
    reg.command("news", submit.command, N_("send a news item to the CM (first line = title)"), args=N_("<text>"))
    reg.command("news", submit.command, N_("open the news form (category, date, links)"))
    reg.command(
        "news mine", lambda d, r, _rest: submit.mine(d, r), N_("your news and where they stand"), aliases=("moi", "mes")
    )
    reg.command(
        "cm queue",
        lambda d, r, _rest: submit.queue(d, r),
        N_("news waiting for a decision, oldest first"),
        who="cm",
        refusal=N_("⛔ Only the CM and admins can see the queue."),
    )
    reg.button("news", triage.click)
    reg.button("newsform", submit.open_form)
    reg.form("news.submit", submit.validate, lambda d, r, v, _state: submit.submit_form(d, r, v))
    for action in triage.FORMS:
        _decision_form(reg, action)
    delivery.register(reg)


def _decision_form(reg: Registry, action: str) -> None:
    """The words (or date) a decision needs: schedule, ask, reject, and the submitter's answer."""

    def validate(deps: Deps, req: Request, values: dict[str, str]) -> FormErrors:
        return triage.validate(deps, req, action, values)

    def submit_(deps: Deps, req: Request, values: dict[str, str], state: str) -> None:
        triage.submit(deps, req, action, values, state)

    reg.form(f"news.{action}", validate, submit_)
