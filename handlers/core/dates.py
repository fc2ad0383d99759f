"""Dates as people type them in a form: `12/12`, `12/12/2026`, `samedi`, `demain`,
`12 décembre`, `next friday`, `2026-12-12` (dateparser, French and English, days
before months), read in the team's time zone, always the next such day."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date

from handlers.core.i18n import translator

_NUMERIC = re.compile(r"^\s*(\d{1,4})[-/.](\d{1,2})(?:[-/.](\d{2,4}))?\s*$")


def read_date(raw: str, tz: ZoneInfo, lang: str) -> tuple[date | None, str]:
    """The date meant, or None and what to tell the person."""
    _ = translator(lang)
    raw = raw.strip()
    today = datetime.now(tz).date()
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


def said(value: date, lang: str) -> str:
    """The date understood, said back in full: « samedi 12 décembre 2026 »."""
    return format_date(value, "EEEE d MMMM y", locale=lang)
