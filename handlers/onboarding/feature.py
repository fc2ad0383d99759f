"""The CM's first weeks."""

from __future__ import annotations

from handlers.core.i18n import N_
from handlers.core.registry import EveryTick, Job, Registry
from handlers.onboarding import home, nudges, plan


def register(reg: Registry) -> None:
    home.register(reg)
    reg.command("cm onboarding", plan.command, N_("the plan for the CM's first weeks"), open_ended=True,
                aliases=("integration",))  # fmt: skip
    for verb, french, args in (("add", "ajouter", N_("<week> <title>")), ("rename", "renommer", N_("N <title>")),
                               ("week", "semaine", N_("N <week>")), ("remove", "retirer", "N")):  # fmt: skip
        reg.command(f"cm onboarding {verb}", plan.editing(verb), N_("change the plan for the CM's first weeks"), args=args,
                    who="cm", refusal=plan.REFUSAL, listed=False, open_ended=True,
                    aliases=(f"integration {verb}", f"onboarding {french}", f"integration {french}"))  # fmt: skip
    reg.button("onboarding", plan.click, who="cm", refusal=plan.REFUSAL)
    reg.sender(nudges.Nudge, nudges.nudge)
    reg.job(Job("onboarding.nudge", EveryTick(office_hours=True), nudges.watch))
