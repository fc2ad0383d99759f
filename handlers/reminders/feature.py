"""Reminders: the team's rhythm (call for news, CM digest, nudges), anyone's own
reminders, and the CM's time away."""

from __future__ import annotations

from handlers.core.i18n import N_
from handlers.core.registry import Registry
from handlers.reminders import away, personal, team


def register(reg: Registry) -> None:
    team.register(reg)
    personal.register(reg)
    reg.command(
        "cm away",
        away.command,
        N_("while you are away, what is for the CM goes to the admins"),
        args=N_("until <date> | off"),
        who="cm",
        refusal=N_("⛔ Only the CM and admins can mark the CM away."),
    )
