"""What every installation has: `/cm help` and `/cm language`, and the core's own
messages and night job."""

from __future__ import annotations

from datetime import datetime

from handlers.core import guide, inbox, kept, outbox, sending
from handlers.core.i18n import N_
from handlers.core.registry import ButtonSpec, Command, Job, Nightly, Registry, Sender, SlashCommand
from handlers.core.work import UnitOfWork


def prune(uow: UnitOfWork, _night: datetime) -> None:
    """Inbox and outbox rows no longer needed to do anything once go, every night."""
    with uow.writing() as s:
        inbox.prune(s, uow.clock())
        outbox.prune(s, uow.clock())


def register(reg: Registry) -> None:
    reg.add(
        Sender(sending.GaveUp, outbox.send_gave_up),
        Sender(inbox.MentionAnswer, lambda uow, mention, _sending: inbox.send_mention_answer(uow, mention, reg)),
        Sender(kept.KeptAnswer, kept.send_kept_answer),
        ButtonSpec(kept.REOPEN, kept.reopen),
        Job("prune", Nightly(), prune),
        Command(
            "cm language",
            guide.set_language,
            N_("the language Relais speaks to you"),
            args="fr|en",
            aliases={"fr": ("langue",)},
        ),
    )


def register_help(reg: Registry) -> None:
    reg.add(
        SlashCommand("cm", N_("The community manager's role, queue and tools")),
        Command("cm help", lambda _uow, req, _rest: guide.show(req, reg), N_("this list"), aliases={"fr": ("aide",)}),
        Command("cm", lambda _uow, req, _rest: guide.show(req, reg), N_("this list"), listed=False),
    )
