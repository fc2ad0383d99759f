"""What every installation has: `/cm help` and `/cm language`."""

from __future__ import annotations

from datetime import datetime

from handlers.core import guide, inbox, kept, outbox
from handlers.core.i18n import N_
from handlers.core.registry import Job, Nightly, Registry
from handlers.core.work import UnitOfWork


def prune(uow: UnitOfWork, _night: datetime) -> None:
    """Inbox and outbox rows no longer needed to do anything once go, every night."""
    with uow.writing() as s:
        inbox.prune(s, uow.clock())
        outbox.prune(s, uow.clock())


def register(reg: Registry) -> None:
    """The core's own messages, its night job, and `/cm language`."""
    outbox.register(reg)
    inbox.register(reg)
    kept.register(reg)
    reg.job(Job("prune", Nightly(), prune))
    reg.command(
        "cm language", guide.set_language, N_("the language Relais speaks to you"), args="fr|en", aliases=("langue",)
    )


def register_help(reg: Registry) -> None:
    reg.describe("cm", N_("The community manager's role, queue and tools"))
    reg.command("cm help", lambda _uow, req, _rest: guide.show(req, reg), N_("this list"), aliases=("aide",))
    reg.command("cm", lambda _uow, req, _rest: guide.show(req, reg), N_("this list"), listed=False)
