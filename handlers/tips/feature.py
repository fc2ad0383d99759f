"""Tips on how social networks differ from an internal bulletin."""

from __future__ import annotations

from handlers.core.i18n import N_
from handlers.core.registry import Command, Cron, Job, Registry, Sender
from handlers.core.schedule import GRACE
from handlers.tips import tip


def register(reg: Registry) -> None:
    reg.add(
        Command(
            "cm tip",
            tip.show,
            N_("a tip on how social networks differ from an internal bulletin"),
            aliases={"fr": ("astuce", "conseil")},
        ),
        Job("tips.weekly", Cron(tip.SCHEDULE, skips_holidays=True, grace=GRACE), tip.weekly_due),
        Sender(tip.WeeklyTip, tip.send_weekly),
    )
