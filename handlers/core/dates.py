"""Dates as people type them in a form: `12/12`, `12/12/2026`, `samedi`, `demain`,
`12 décembre`, `next friday`, `2026-12-12` (dateparser, French and English, days
before months), read in the team's time zone, always the next such day."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

from handlers.core.i18n import translator

_NUMERIC = re.compile(r"^\s*(\d{1,4})[-/.](\d{1,2})(?:[-/.](\d{2,4}))?\s*$")


def read_date(raw: str, tz: ZoneInfo, lang: str, today: date) -> tuple[date | None, str]:
    """The date meant, or None and what to tell the person. `today` comes from the
    injected clock (`local_day(deps.clock(), tz)`), never from the wall clock."""
    _ = translator(lang)
    raw = raw.strip()
    try:
        found: date | None = date.fromisoformat(raw)
    except ValueError:
        found = _parse(raw, today, tz)
    if found is None:
        if _NUMERIC.match(raw):
            return None, _("This date does not exist: {raw}.").format(raw=raw)
        return None, _("I did not understand this date; write it like 12/12/2026, 12 décembre or samedi.")
    if found < today:
        return None, _("This date is in the past.")
    return found, ""


def _parse(raw: str, today: date, tz: ZoneInfo) -> date | None:
    import dateparser  # loaded only when someone types a date that is not YYYY-MM-DD

    settings = {
        "PREFER_DATES_FROM": "future",
        "DATE_ORDER": "DMY",
        "TIMEZONE": str(tz),
        "RETURN_AS_TIMEZONE_AWARE": False,
        "RELATIVE_BASE": datetime.combine(today, datetime.min.time()) + timedelta(hours=12),
    }
    parsed = dateparser.parse(raw, languages=["fr", "en"], settings=settings)
    return parsed.date() if parsed else None


# A time of day as people write it: 9h, 9 h 30, 14:30, 18h00, 9am, 5:30 pm (after "à" or "at").
_TIME = re.compile(r"(?:\b(?:à|a|at)\s+)?(?<![\d/.-])(\d{1,2})\s*(?:(h|:)\s*(\d{2})?|(am|pm))(?![\d/])", re.IGNORECASE)


def read_moment(raw: str, tz: ZoneInfo, lang: str, now: datetime) -> tuple[datetime | None, str]:
    """A day and a time of day (`demain 9h`, `12/12 14:30`, `lundi à 18h`, `next friday 9am`);
    without a time, 9:00; without a day, today. The time is read here, the day by `read_date`,
    because dateparser reads `demain 9h` as "in 9 hours"."""
    _ = translator(lang)
    match = None
    for found in _TIME.finditer(raw):  # the last time written: "le 12/12 à 9h"
        match = found
    hour, minute = 9, 0
    day_part = raw
    if match:
        hour, minute = int(match.group(1)), int(match.group(3) or 0)
        if match.group(4):
            hour = hour % 12 + (12 if match.group(4).lower() == "pm" else 0)
        day_part = (raw[: match.start()] + " " + raw[match.end() :]).strip(" ,")
    if hour > 23 or minute > 59:
        return None, _("This time does not exist: {raw}.").format(raw=raw.strip())
    today = now.astimezone(tz).date()
    day, problem = read_date(day_part, tz, lang, today) if day_part else (today, "")
    if day is None:
        return None, problem
    moment = datetime.combine(day, time(hour, minute), tz)
    if moment <= now:
        return None, _("This moment is already past: give a later day or time.")
    return moment, ""


def said_moment(value: datetime, tz: ZoneInfo, lang: str) -> str:
    """« samedi 12 décembre 2026 à 09:00 »."""
    pattern = "EEEE d MMMM y 'à' HH:mm" if lang == "fr" else "EEEE d MMMM y 'at' HH:mm"
    return format_datetime(value.astimezone(tz), pattern, locale=lang)


def said(value: date, lang: str) -> str:
    """The date understood, said back in full: « samedi 12 décembre 2026 »."""
    return format_date(value, "EEEE d MMMM y", locale=lang)
