"""The CM's first weeks."""

from __future__ import annotations

from handlers.core.i18n import N_
from handlers.core.registry import CM, ButtonSpec, Command, EveryTick, HomePart, Job, Registry, Sender
from handlers.onboarding import home, nudges, plan

EDIT = CM.refusing(plan.REFUSAL)
EDITS = (  # verb, its French, its arguments
    ("add", "ajouter", N_("<week> <title>")),
    ("rename", "renommer", N_("N <title>")),
    ("week", "semaine", N_("N <week>")),
    ("remove", "retirer", "N"),
)


def register(reg: Registry) -> None:
    reg.add(
        Command(
            "cm onboarding",
            plan.command,
            N_("the plan for the CM's first weeks"),
            open_ended=True,
            aliases={"fr": ("integration",)},
        ),
        *(
            Command(
                f"cm onboarding {verb}",
                plan.editing(verb),
                N_("change the plan for the CM's first weeks"),
                args=args,
                access=EDIT,
                listed=False,
                open_ended=True,
                aliases={"fr": (f"onboarding {french}", f"integration {french}", f"integration {verb}")},
            )
            for verb, french, args in EDITS
        ),
        ButtonSpec("onboarding", plan.click, access=EDIT),
        Sender(nudges.Nudge, nudges.nudge),
        Job("onboarding.nudge", EveryTick(office_hours=True), nudges.watch),
        HomePart(30, home.show_progress, home.progress_version),
    )
