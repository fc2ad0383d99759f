"""What every installation has: `/cm help` and `/cm language`."""

from __future__ import annotations

from handlers.core import guide, inbox, kept, outbox
from handlers.core.i18n import N_
from handlers.core.registry import Registry


def register(reg: Registry) -> None:
    """The core's own deliveries, and `/cm language`."""
    outbox.register(reg)
    inbox.register(reg)
    kept.register(reg)
    reg.command(
        "cm language", guide.set_language, N_("the language Relais speaks to you"), args="fr|en", aliases=("langue",)
    )


def register_help(reg: Registry) -> None:
    reg.describe("cm", N_("The community manager's role, queue and tools"))
    reg.command("cm help", lambda d, r, _rest: guide.show(d, r), N_("this list"), aliases=("aide",))
    reg.command("cm", lambda d, r, _rest: guide.show(d, r), N_("this list"), listed=False)
