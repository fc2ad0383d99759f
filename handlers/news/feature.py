"""News from the leaders to the CM: every command, button, form, message, job and
setting of the feature, declared here."""

from __future__ import annotations

from handlers.core.context import Request
from handlers.core.i18n import N_
from handlers.core.messages import FormErrors
from handlers.core.registry import (
    CM,
    ButtonSpec,
    Command,
    Cron,
    Direct,
    EveryTick,
    Exporter,
    FormSpec,
    HomePart,
    Job,
    Registry,
    Sender,
    ShortcutSpec,
    SlashCommand,
)
from handlers.core.schedule import GRACE
from handlers.core.work import UnitOfWork
from handlers.news import delivery, direct, home, nudges, shortcuts, smalltalk, submit, triage
from handlers.news.triage import AUTHOR

DECIDE = CM.refusing(N_("⛔ Only the CM and admins can decide on news. Nothing was changed."))


def register(reg: Registry) -> None:
    reg.add(
        SlashCommand("news", N_("Send a news item to the community manager")),
        Command(
            "news",
            submit.command,
            N_("send a news item to the CM (first line = title); alone, opens the form"),
            args=N_("[text]"),
        ),
        Command("news mine", submit.mine, N_("your news and where they stand"), aliases={"fr": ("moi", "mes")}),
        Command(
            "cm queue",
            submit.queue,
            N_("news waiting for a decision, oldest first"),
            access=CM.refusing(N_("⛔ Only the CM and admins can see the queue.")),
            aliases={"fr": ("file", "attente")},
        ),
        ButtonSpec("news", triage.click, access=DECIDE),
        ButtonSpec("news.answer", triage.click, access=AUTHOR),
        ButtonSpec("newsform", submit.open_form),
        ButtonSpec("newsform.dm", direct.choose),  # the offer made to a direct message
        ButtonSpec("newsform.no", direct.choose),
        FormSpec("news.submit", submit.validate, submit.submit_form),
        *(_decision_form(action) for action in triage.FORMS),
        Direct(smalltalk.answer, order=5),  # before the role's answer: « comment envoyer une info ? »
        Direct(direct.offer, order=90),
        ShortcutSpec(
            "send_to_cm",
            shortcuts.send_to_cm,
            N_("Send to the CM"),
            N_("Send this message to the CM as news"),
            on="message",
        ),
        ShortcutSpec(
            "news_for_cm", shortcuts.news_for_cm, N_("News for the CM"), N_("Send a news item to the community manager")
        ),
        HomePart(10, home.show_news, home.news_version),
        HomePart(40, home.show_scheduled, lambda _uow: ""),
        Sender(delivery.PostCard, delivery.send_post_card),
        Sender(delivery.UpdateCard, delivery.send_update_card),
        Sender(delivery.StatusDm, delivery.send_status_dm),
        Sender(delivery.QueueAnswer, delivery.send_queue_answer),
        Sender(delivery.DeliveredDm, delivery.send_delivered_dm),
        nudges.QUEUE_DAYS,
        nudges.ANSWER_DAYS,
        nudges.DEADLINE_DAYS,
        Job("news.call", Cron(nudges.NEWS_CALL, skips_holidays=True, grace=GRACE), nudges.news_call_due),
        Job("news.digest", Cron(nudges.CM_DIGEST, skips_holidays=True, grace=GRACE), nudges.digest_due),
        Job("news.nudges", EveryTick(office_hours=True), nudges.watch),
        Sender(nudges.NewsCall, nudges.send_news_call),
        Sender(nudges.Digest, lambda uow, digest, sending: nudges.send_digest(uow, digest, sending, reg.digest_parts)),
        Sender(
            nudges.DigestHead, lambda uow, head, sending: nudges.send_digest_head(uow, head, sending, reg.digest_parts)
        ),
        Sender(nudges.NewsCard, nudges.send_card),
        Sender(nudges.AnswerReminder, nudges.send_answer),
        Sender(nudges.AnswerLate, nudges.send_answer_late),
        Exporter("news", submit.export_rows),
    )


def _decision_form(action: str) -> FormSpec:
    """The words (or date) a decision needs: schedule, ask, reject, and the submitter's answer."""

    def validate(uow: UnitOfWork, req: Request, values: dict[str, str]) -> FormErrors:
        return triage.validate(uow, req, action, values)

    def submit_(uow: UnitOfWork, req: Request, values: dict[str, str], state: str) -> None:
        triage.submit(uow, req, action, values, state)

    return FormSpec(f"news.{action}", validate, submit_, access=AUTHOR if action == "answer" else DECIDE)
