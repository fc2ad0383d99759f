"""Reminders: the team's rhythm (call for news, CM digest, nudges), anyone's own
reminders, and the CM's time away."""

from __future__ import annotations

from handlers.core.i18n import N_
from handlers.core.registry import Registry
from handlers.reminders import away, home, personal


def register(reg: Registry) -> None:
    home.register(reg)
    personal.register(reg)
    refusal = N_("⛔ Only the CM and admins can mark the CM away.")
    said = N_("while you are away, what is for the CM goes to the admins")
    reg.command("cm away", away.usage, said, args=N_("until <date> | off"), who="cm", refusal=refusal, open_ended=True,
                aliases=("absent", "absence"))  # fmt: skip
    reg.command("cm away until", away.until, said, args=N_("<date>"), who="cm", refusal=refusal, listed=False,
                aliases=("away jusqu'au", "away jusqu’au", "away au", "absent jusqu'au", "absent jusqu’au",
                         "absent au", "absent until"))  # fmt: skip
    reg.command("cm away off", away.off, said, who="cm", refusal=refusal, listed=False,
                aliases=("away fin", "away retour", "absent fin", "absent retour", "absent off"))  # fmt: skip
