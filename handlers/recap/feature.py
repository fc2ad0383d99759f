"""The weekly moderation recap."""

from __future__ import annotations

from handlers.core.i18n import N_
from handlers.core.registry import Command, Cron, Job, Registry, Sender
from handlers.recap import cli, weekly


def register(reg: Registry) -> None:
    weekly.PARTS = reg.recap_parts  # filled as the features that add lines register
    reg.add(
        Command(
            "cm recap",
            weekly.show,
            N_("the moderation recap of a week (default: last week)"),
            args=N_("[YYYY-Www]"),
            aliases={"fr": ("bilan",)},
        ),
        Job("recap.weekly", Cron(weekly.SCHEDULE), weekly.due),
        Sender(weekly.RecapPost, weekly.send_post),
        Sender(weekly.RecapChart, weekly.send_chart),
        Sender(weekly.RecapThread, weekly.send_thread),
        Sender(weekly.RecapCsv, weekly.send_csv),
        cli.COMMAND,
    )
