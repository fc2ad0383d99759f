"""Reminders: the team's rhythm (call for news, CM digest, nudges), anyone's own
reminders, and the CM's time away."""

from __future__ import annotations

from handlers.core.i18n import N_
from handlers.core.registry import CM, Command, EveryTick, FormSpec, HomePart, Job, Registry, Sender
from handlers.reminders import away, due, home, personal

AWAY = CM.refusing(N_("⛔ Only the CM and admins can mark the CM away."))
AWAY_SAID = N_("while you are away, what is for the CM goes to the admins")


def register(reg: Registry) -> None:
    reg.add(
        Command("cm remind", personal.command, N_("set a reminder for you, this channel or someone (a form)")),
        Command(
            "cm remind list",
            personal.listing,
            N_("your reminders and when they next go out"),
            aliases={"fr": ("remind liste",)},
        ),
        Command(
            "cm remind delete",
            personal.delete,
            N_("delete a reminder"),
            args=N_("<N>"),
            aliases={"fr": ("remind supprimer",)},
        ),
        FormSpec("reminders.new", personal.validate, personal.submit),
        Sender(due.Remind, due.deliver),
        Job("reminders.personal", EveryTick(), due.watch),
        HomePart(50, home.show_next, home.next_version),
        Command(
            "cm away",
            away.usage,
            AWAY_SAID,
            args=N_("until <date> | off"),
            access=AWAY,
            open_ended=True,
            aliases={"fr": ("absent", "absence")},
        ),
        Command(
            "cm away until",
            away.until,
            AWAY_SAID,
            args=N_("<date>"),
            access=AWAY,
            listed=False,
            aliases={
                "fr": ("away jusqu'au", "away jusqu’au", "away au", "absent jusqu'au", "absent jusqu’au", "absent au"),
                "en": ("absent until",),
            },
        ),
        Command(
            "cm away off",
            away.off,
            AWAY_SAID,
            access=AWAY,
            listed=False,
            aliases={"fr": ("away fin", "away retour", "absent fin", "absent retour"), "en": ("absent off",)},
        ),
    )
