"""News from the leaders to the CM: declared commands, buttons and forms."""

from __future__ import annotations

from handlers.core.context import Request
from handlers.core.i18n import N_
from handlers.core.messages import FormErrors
from handlers.core.registry import Registry, Who
from handlers.core.work import UnitOfWork
from handlers.news import delivery, direct, home, nudges, shortcuts, smalltalk, submit, triage

DECIDE = N_("⛔ Only the CM and admins can decide on news. Nothing was changed.")


def register(reg: Registry) -> None:
    home.register(reg)
    reg.describe("news", N_("Send a news item to the community manager"))
    reg.command("news", submit.command, N_("send a news item to the CM (first line = title)"), args=N_("<text>"))
    reg.command("news", submit.command, N_("open the news form (category, date, links)"))
    reg.command("news mine", submit.mine, N_("your news and where they stand"), aliases=("moi", "mes"))
    reg.command(
        "cm queue",
        submit.queue,
        N_("news waiting for a decision, oldest first"),
        aliases=("file", "attente"),
        who="cm",
        refusal=N_("⛔ Only the CM and admins can see the queue."),
    )
    reg.button("news", triage.click, who="cm", refusal=DECIDE)
    reg.button("news.answer", triage.click)  # the author's, checked against the item itself
    reg.button("newsform", submit.open_form)
    reg.button("newsform.dm", direct.choose)  # the offer made to a direct message
    reg.button("newsform.no", direct.choose)
    reg.direct(smalltalk.answer, order=5)  # before the role's answer: « comment envoyer une info ? »
    reg.direct(direct.offer, order=90)
    reg.form("news.submit", submit.validate, submit.submit_form)
    shortcuts.register(reg)
    for action in triage.FORMS:
        _decision_form(reg, action)
    delivery.register(reg)
    nudges.register(reg)
    reg.exporter("news", submit.export_rows)


def _decision_form(reg: Registry, action: str) -> None:
    """The words (or date) a decision needs: schedule, ask, reject, and the submitter's answer."""

    def validate(uow: UnitOfWork, req: Request, values: dict[str, str]) -> FormErrors:
        return triage.validate(uow, req, action, values)

    def submit_(uow: UnitOfWork, req: Request, values: dict[str, str], state: str) -> None:
        triage.submit(uow, req, action, values, state)

    who: Who = "anyone" if action == "answer" else "cm"
    reg.form(f"news.{action}", validate, submit_, who=who, refusal=DECIDE)
