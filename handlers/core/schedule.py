"""When recurring things fall, in the team's local time: APScheduler's CronTrigger
computes fire times (time zone and daylight saving included), and the `holidays`
package says which days are public holidays. Nothing here keeps state: what must
happen is always a keyed outbox row."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from functools import cache, partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from handlers.core.declarations import Schedule, SettingError

GRACE = timedelta(hours=12)  # a reminder missed by more than this (Relais was stopped) is not sent late


def cron(schedule: Schedule, tz: ZoneInfo) -> CronTrigger:
    days, hour, minute = schedule
    return CronTrigger(day_of_week=days, hour=hour, minute=minute, timezone=tz)


def last_fire(trigger: Any, now: datetime, lookback: timedelta = timedelta(days=8)) -> datetime | None:
    """The latest fire time at or before `now` (None if none in the look-back window)."""
    fire, last = trigger.get_next_fire_time(None, now - lookback), None
    while fire is not None and fire <= now:
        last, fire = fire, trigger.get_next_fire_time(fire, fire + timedelta(seconds=1))
    return last


def last_due(
    trigger: Any, now: datetime, tz: ZoneInfo, *, grace: timedelta | None, holidays_country: str
) -> datetime | None:
    """When the latest occurrence up to `now` goes out: None if there is none, or if it is
    older than `grace` (Relais was stopped: it is not sent late); moved to the next
    working day if it falls on a public holiday of `holidays_country` (empty: never)."""
    fired = last_fire(trigger, now)
    if fired is None:
        return None
    due = working(fired, tz, holidays_country)  # the grace runs from when it goes out: Easter Monday's
    if grace is not None and now - due > grace:  # reminder is due on Tuesday, not missed by Tuesday
        return None
    return due


@cache
def _holidays(country: str, year: int) -> frozenset[date]:
    return frozenset(_calendar(country)(years=year))


@cache
def _calendar(country: str) -> Any:
    """One country's `holidays` class, loaded when a reminder is first due. Only its own
    module is loaded: `holidays.country_holidays` imports the package's 300 countries,
    13 MB in the ticking process for the one it needs (tests/unit/test_reminders.py
    checks both give the same days)."""
    import importlib.util

    import holidays
    from holidays.registry import COUNTRIES

    module, names = next(((m, n) for m, n in COUNTRIES.items() if country in n[1:]), ("", ()))
    path = Path(holidays.__file__).with_name("countries") / f"{module}.py"
    spec = importlib.util.spec_from_file_location(f"holidays.countries.{module}", path)
    if not module or not path.exists() or spec is None or spec.loader is None:  # unknown, or another layout
        return partial(holidays.country_holidays, country)
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return getattr(loaded, names[0])


def holiday_name(day: date, country: str, lang: str) -> str:
    """The public holiday's name in the reader's language where the package has it
    ("Christmas Day", « Noël »), else in the country's; empty when the day is none."""
    if not is_holiday(day, country):
        return ""
    calendar = _calendar(country)
    for language in (lang, "en_US" if lang == "en" else lang):
        try:
            return str(calendar(years=day.year, language=language).get(day, ""))
        except (TypeError, ValueError):  # a country whose names come in one language only
            continue
    return str(calendar(years=day.year).get(day, ""))


def is_holiday(day: date, country: str) -> bool:
    return bool(country) and day in _holidays(country, day.year)


def _workday(day: date, country: str) -> bool:
    return day.weekday() < 5 and not is_holiday(day, country)


def _next_workday(day: date, country: str) -> date:
    """The first working day after `day` (neither a weekend nor a public holiday)."""
    day += timedelta(days=1)
    while not _workday(day, country):
        day += timedelta(days=1)
    return day


def working(moment: datetime, tz: ZoneInfo, country: str) -> datetime:
    """`moment`, or — if it falls on a public holiday — the same local time on the next
    working day."""
    local = moment.astimezone(tz)
    if not is_holiday(local.date(), country):
        return moment
    day = _next_workday(local.date(), country)
    return datetime.combine(day, time(local.hour, local.minute), tz).astimezone(moment.tzinfo)


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


OPENS, CLOSES = time(9, 0), time(19, 0)


def office_hours(now: datetime, tz: ZoneInfo, country: str) -> datetime:
    """When a nudge that a condition made due goes out: now during a working day's
    hours (9:00–19:00, Monday to Friday, not a public holiday), else at 9:00 on the
    next working day. Nobody is nudged at night for an item that waited all day."""
    local = now.astimezone(tz)
    day = local.date()
    if _workday(day, country) and OPENS <= local.time() < CLOSES:
        return now
    if not (_workday(day, country) and local.time() < OPENS):
        day = _next_workday(day, country)
    return datetime.combine(day, OPENS, tz).astimezone(now.tzinfo)


DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def read_schedule(raw: str, _: Callable[[str], str]) -> Schedule | None:
    """A schedule setting: `day hour minute` as cron reads it (`fri 10 0`, `mon,thu 9 30`,
    `mon-fri 9 0`); empty turns it off."""
    if not raw:
        return None
    parts = raw.lower().split()
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        days = [d for chunk in parts[0].split(",") for d in chunk.split("-")]
        ranges_ok = all(chunk.count("-") <= 1 for chunk in parts[0].split(","))
        if days and ranges_ok and all(d in DAYS for d in days) and int(parts[1]) < 24 and int(parts[2]) < 60:
            return (parts[0], int(parts[1]), int(parts[2]))
    raise SettingError(
        _("expected 'days hour minute' such as 'mon 9 0', 'mon,thu 9 0' or 'mon-fri 9 0' (got {got})").format(
            got=repr(raw)
        )
    )


def as_written(raw: str, _: Callable[[str], str]) -> str:
    """A setting kept as it is written (an address, a channel id, a token)."""
    return raw


def whole_number(minimum: int = 0) -> Callable[[str, Callable[[str], str]], int]:
    """A setting that is a whole number; below `minimum` it counts as `minimum`."""

    def read(raw: str, _: Callable[[str], str]) -> int:
        if not raw.isdigit():
            raise SettingError(_("must be a whole number (got {got})").format(got=repr(raw)))
        return max(minimum, int(raw))

    return read
