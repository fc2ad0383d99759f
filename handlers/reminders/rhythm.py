"""When a personal reminder goes out: a trigger APScheduler computes in the team's
time zone, so "every Monday at 9:00" stays at 9:00 across daylight saving."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

from handlers.core.schedule import working
from handlers.core.work import UnitOfWork
from handlers.reminders.tables import Reminder

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def trigger(reminder: Reminder, uow: UnitOfWork) -> Any:
    """The reminder's rhythm, from its first occurrence, in local time."""
    tz = uow.team.timezone
    first = reminder.first_at.astimezone(tz)
    if reminder.repeat == "never":
        return DateTrigger(run_date=first)
    fields: dict[str, Any] = {"hour": first.hour, "minute": first.minute}
    if reminder.repeat == "workdays":
        fields["day_of_week"] = "mon-fri"
    elif reminder.repeat == "weekly":
        fields["day_of_week"] = DAYS[first.weekday()]
    elif reminder.repeat == "monthly":
        fields["day"] = first.day  # a month without that day is skipped, as calendars do
    return CronTrigger(start_date=first, timezone=tz, **fields)


def next_at(reminder: Reminder, uow: UnitOfWork, now: datetime) -> datetime | None:
    """When it next goes out, off public holidays; None once a one-off is past (APScheduler's
    DateTrigger gives its date even then: `/cm remind list` said "next" of a sent reminder)."""
    fire = trigger(reminder, uow).get_next_fire_time(None, now)
    due = working(fire, uow.team.timezone, uow.team.holidays_country) if fire else None
    return due if due is not None and due >= now else None
