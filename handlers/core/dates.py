"""Dates as people type them and as Relais writes them. Read: `12/12`, `12/12/2026`, `samedi`, `demain`,
`12 décembre`, `next friday`, `2026-12-12` (dateparser, French and English, days
before months), read in the team's time zone, always the next such day."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

from handlers.core.i18n import translator

_NUMERIC = re.compile(r"^(\d{1,4})[-/.](\d{1,2})(?:[-/.](\d{2,4}))?$")

_DAY_ALONE = re.compile(r"^(?:le\s+|the\s+)?(\d{1,2})(?:er|re|st|nd|rd|th)?$", re.IGNORECASE)  # « le 15 »
_NEXT = re.compile(r"\b(prochaine?|next)\b", re.IGNORECASE)  # « jeudi prochain » is the next Thursday
_FIRST = re.compile(r"\b1(?:er|re|st)\b", re.IGNORECASE)  # « 1er décembre », "1st December"


def read_date(raw: str, tz: ZoneInfo, lang: str, today: date, *, future: bool = True) -> tuple[date | None, str]:
    """The date meant, or None and what to tell the person. `today` comes from the
    injected clock (`deps.today()`), never from the wall clock. Digits are read here and
    only as written (`32/13` is refused, never read as another day); words go to dateparser.
    `future=False` reads a date already past (a spreadsheet's dates)."""
    _ = translator(lang)
    raw = " ".join(raw.split())
    numeric, alone = _NUMERIC.match(raw), _DAY_ALONE.match(raw)
    if alone:
        found = _day_of_month(int(alone.group(1)), today, future)
        if found is None:
            return None, _("This date does not exist: {raw}.").format(raw=raw)
    elif numeric:
        found = _numeric(numeric, today, future)
        if found is None:
            return None, _("This date does not exist: {raw}.").format(raw=raw)
    else:
        found = _parse(_FIRST.sub("1", _NEXT.sub("", raw)).strip(), today, tz, future)
    if found is None:
        return None, _("I did not understand this date; write it like 12/12/2026, 12 December or saturday.")
    if future and found < today:
        return None, _("This date is in the past.")
    return found, ""


def _numeric(found: re.Match[str], today: date, future: bool) -> date | None:
    """`2026-12-02`, `2/12/2026`, `02/12/26`, `2.12` (day first, the year optional: the
    next such day, or the last one when reading the past); None when no such day exists."""
    first, second, third = found.groups()
    try:
        if len(first) == 4:
            return date(int(first), int(second), int(third)) if third and len(third) <= 2 else None
        day, month = int(first), int(second)
        if third is not None:
            if len(third) == 3:
                return None
            return date(int(third) + (2000 if len(third) == 2 else 0), month, day)
        date(2024, month, day)  # a leap year: 29/02 exists, whichever year it falls in
    except ValueError:
        return None
    step = 1 if future else -1
    year = today.year
    while True:  # 29/02 waits for its leap year
        try:
            candidate = date(year, month, day)
        except ValueError:
            year += step
            continue
        if (candidate >= today) if future else (candidate <= today):
            return candidate
        year += step


def _day_of_month(day: int, today: date, future: bool) -> date | None:
    """« le 15 »: the next 15th (this month's if not past), or the last one reading the past."""
    if not 1 <= day <= 31:
        return None
    year, month = today.year, today.month
    for _step in range(14):  # a 31st waits for a month that has one
        try:
            candidate = date(year, month, day)
        except ValueError:
            candidate = None
        if candidate and ((candidate >= today) if future else (candidate <= today)):
            return candidate
        month += 1 if future else -1
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return None


def _parse(raw: str, today: date, tz: ZoneInfo, future: bool = True) -> date | None:
    import dateparser  # loaded only when someone types a date in words

    settings = {
        "PREFER_DATES_FROM": "future" if future else "past",
        "DATE_ORDER": "DMY",
        "TIMEZONE": str(tz),
        "RETURN_AS_TIMEZONE_AWARE": False,
        "RELATIVE_BASE": datetime.combine(today, datetime.min.time()) + timedelta(hours=12),
    }
    parsed = dateparser.parse(raw, languages=["fr", "en"], settings=settings)
    return parsed.date() if parsed else None


# A time of day as people write it: 9h, 9 h 30, 14:30, 18h00, 9am, 5:30 pm (after "à" or "at").
_TIME = re.compile(r"(?:\b(?:à|a|at)\s+)?(?<![\d/.-])(\d{1,2})\s*(?:(h|:)\s*(\d{2})?|(am|pm))(?![\d/])", re.IGNORECASE)
# In so long from now: "dans 2 heures", "dans 2h", "dans 30 min", "in 2 hours", "in 90 minutes".
_IN = re.compile(r"^(?:dans|in)\s+(\d{1,4})\s*(h|heures?|hours?|hrs?|min|mins|minutes?|mn)$", re.IGNORECASE)
# Words for a time of day, and the day words that carry one ("ce soir" is today, at 20:00 unless a time is given).
_NAMED_TIMES = {"midi": (12, 0), "noon": (12, 0), "minuit": (0, 0), "midnight": (0, 0)}
_TODAY_AT = {"ce soir": 20, "tonight": 20, "ce matin": 9, "this morning": 9, "cet après-midi": 14,
             "cet apres-midi": 14, "this afternoon": 14, "aujourd'hui": None, "aujourd’hui": None, "today": None}  # fmt: skip


def read_moment(
    raw: str, tz: ZoneInfo, lang: str, now: datetime, *, future: bool = True, time_of_day: time = time(9, 0)
) -> tuple[datetime | None, str]:
    """A day and a time of day as people say them (`demain 9h`, `dans 2 heures`, `ce soir 20h`,
    `demain midi`, `mardi prochain 10h`, `12/12 14:30`, `tonight 8pm`, `in 2 hours`); without a
    time, `time_of_day` (9:00); without a day, today. The time is read here, the day by `read_date`, because
    dateparser reads `demain 9h` as "in 9 hours"."""
    _ = translator(lang)
    text = " ".join(raw.split())
    relative = _IN.match(text)
    if relative:
        return _in_so_long(relative, now), ""
    hour, minute, day_part = _time_of(text, time_of_day)
    if hour > 23 or minute > 59:
        return None, _("This time does not exist: {raw}.").format(raw=text)
    today = now.astimezone(tz).date()
    day: date | None = today
    problem = ""
    if day_part:
        day, problem = read_date(day_part, tz, lang, today, future=future)
        if problem == _("I did not understand this date; write it like 12/12/2026, 12 December or saturday."):
            problem = _(  # the examples of a moment show a time
                "I did not understand this moment; write it like tomorrow 9am, in 2 hours, tuesday 6pm or 12/12 14:30."
            )
    if day is None:
        return None, problem
    moment = datetime.combine(day, time(hour, minute), tz)
    if future and moment <= now:
        return None, _("This moment is already past: give a later day or time.")
    return moment, ""


def _in_so_long(relative: re.Match[str], now: datetime) -> datetime:
    """`dans 2 heures`: to the minute, never before the time asked."""
    amount, unit = int(relative.group(1)), relative.group(2).casefold()
    moment = now + (timedelta(hours=amount) if unit.startswith("h") else timedelta(minutes=amount))
    late = moment.replace(second=0, microsecond=0)
    return late if late == moment else late + timedelta(minutes=1)


def _time_of(text: str, time_of_day: time) -> tuple[int, int, str]:
    """The hour and minute said (`9h`, `midi`, `ce soir 8h` is 20:00), else `time_of_day`,
    and what is left to read as the day."""
    hour, minute, default_hour = time_of_day.hour, time_of_day.minute, None
    day_part = text
    for words, at in _TODAY_AT.items():  # "ce soir 20h": today
        if day_part.casefold().startswith(words):
            day_part, default_hour = day_part[len(words) :].strip(), at
            break
    for word, (h, m) in _NAMED_TIMES.items():
        named = re.search(rf"(?:\b(?:à|a|at)\s+)?\b{word}\b", day_part, re.IGNORECASE)
        if named:
            hour, minute, default_hour = h, m, h
            day_part = (day_part[: named.start()] + " " + day_part[named.end() :]).strip(" ,")
            break
    match = None
    for found in _TIME.finditer(day_part):  # the last time written: "le 12/12 à 9h"
        match = found
    if match:
        hour, minute = int(match.group(1)), int(match.group(3) or 0)
        if match.group(4):
            hour = hour % 12 + (12 if match.group(4).lower() == "pm" else 0)
        elif default_hour and default_hour >= 12 and hour < 12:  # "ce soir 8h" is 20:00
            hour += 12
        day_part = (day_part[: match.start()] + " " + day_part[match.end() :]).strip(" ,")
    elif default_hour is not None:
        hour = default_hour
    return hour, minute, day_part


_WEEKDAYS = (
    r"lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday"
)
_WEEKDAY_INDEX = {name: i % 7 for i, name in enumerate(_WEEKDAYS.split("|"))}
# A rhythm said before the first time: « tous les lundis 9h », "every day at 8am", « chaque mois le 1er ».
_RHYTHMS = (
    (re.compile(rf"^(?:tous les|chaque|every)\s+(?P<day>{_WEEKDAYS})s?\b", re.IGNORECASE), "weekly"),
    (re.compile(r"^(?:tous les jours|chaque jour|every day|daily)\b", re.IGNORECASE), "daily"),
    (re.compile(r"^(?:en semaine|du lundi au vendredi|every weekday|on weekdays|weekdays)\b", re.IGNORECASE),
     "workdays"),
    (re.compile(r"^(?:toutes les semaines|chaque semaine|every week|weekly)\b", re.IGNORECASE), "weekly"),
    (re.compile(r"^(?:tous les mois|chaque mois|every month|monthly)\b", re.IGNORECASE), "monthly"),
)  # fmt: skip


def read_rhythm(raw: str, tz: ZoneInfo, lang: str, now: datetime) -> tuple[datetime | None, str | None, str]:
    """A first time that may start with how often (`tous les lundis 9h` → the next Monday at
    9:00, today's if still ahead, "weekly"; `tous les jours 8h` → the next 8:00, "daily"):
    (first time, rhythm or None, what to tell the person). Without a rhythm, `read_moment` alone."""
    text = " ".join(raw.split())
    for pattern, repeat in _RHYTHMS:
        found = pattern.match(text)
        if found is None:
            continue
        weekday, rest = found.groupdict().get("day"), text[found.end() :].strip(" ,")
        moment, problem = (None, "") if weekday else read_moment(rest, tz, lang, now)  # « tous les mois le 15 »
        if moment is None:  # a time of day alone: today's, then the next day (of that weekday) still ahead
            moment, problem = read_moment(rest, tz, lang, now, future=False)
        if moment is None:
            return None, None, problem
        while moment <= now or (weekday and moment.weekday() != _WEEKDAY_INDEX[weekday.casefold()]):
            moment = datetime.combine(moment.date() + timedelta(days=1), moment.timetz().replace(tzinfo=None), tz)
        return moment, repeat, ""
    moment, problem = read_moment(text, tz, lang, now)
    return moment, None, problem


_FIRST_OF_MONTH = re.compile(r"(?<![\d])1(?= (?:janv|févr|mars|avr|mai|juin|juil|août|sept|oct|nov|déc))")


def first_of_month(text: str, lang: str) -> str:
    """French writes the first of a month « 1er décembre », not « 1 décembre »."""
    return _FIRST_OF_MONTH.sub("1er", text) if lang == "fr" else text


def write_moment_in_full(value: datetime, tz: ZoneInfo, lang: str) -> str:
    """« samedi 12 décembre 2026 à 09:00 »."""
    pattern = "EEEE d MMMM y 'à' HH:mm" if lang == "fr" else "EEEE d MMMM y 'at' HH:mm"
    return first_of_month(format_datetime(value.astimezone(tz), pattern, locale=lang), lang)


def write_day_in_full(value: date, lang: str) -> str:
    """The date understood, said back in full: « samedi 12 décembre 2026 », « mardi 1er décembre 2026 »."""
    return first_of_month(format_date(value, "EEEE d MMMM y", locale=lang), lang)


# One way to write a day and a moment in each language, day before month and a 24-hour
# clock in both: « 6 déc. 2026 », « 30 nov. 2026 à 14:47 »; "6 Dec 2026", "30 Nov 2026 at 14:47".
DAY = "d MMM y"
MOMENT = {"fr": "d MMM y 'à' HH:mm", "en": "d MMM y 'at' HH:mm"}


def write_day(value: date, lang: str) -> str:
    return first_of_month(format_date(value, DAY, locale=lang), lang)


def write_moment(value: datetime, lang: str, tz: ZoneInfo) -> str:
    return first_of_month(format_datetime(value, MOMENT.get(lang, MOMENT["en"]), tzinfo=tz, locale=lang), lang)
