"""The numbers of a week's moderation recap, aggregated in SQL; only the week's
own entries are loaded, to list every one of them."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from handlers.core.declarations import RecapPart
from handlers.core.messages import Md
from handlers.moderation.cards import OPEN
from handlers.moderation.tables import EntryReport, EntryTopic, ModerationEntry

WEEK = re.compile(r"^(\d{4})-?[WS](\d{1,2})$")  # 2026-W49, or 2026-S49 as French writes it


def parse_week(text: str) -> date:
    """The Monday of an ISO week written YYYY-Www or YYYY-Sww; ValueError if there is no such week."""
    found = WEEK.match(text.strip().upper())
    if not found:
        raise ValueError(text)
    return date.fromisocalendar(int(found[1]), int(found[2]), 1)


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_said(week: str, lang: str) -> str:
    """The week as its reader says it: « semaine 49 (30 nov. – 6 déc. 2026) », "week 2026-W49 (30 Nov – 6 Dec 2026)"."""
    from babel.dates import format_date

    from handlers.core.dates import first_of_month
    from handlers.core.i18n import translator

    _ = translator(lang)
    monday = parse_week(week)
    sunday = monday + timedelta(days=6)
    start = format_date(monday, "d MMM" if monday.year == sunday.year else "d MMM y", locale=lang)
    said = _("week {week} ({start} – {end})").format(
        week=monday.isocalendar()[1] if lang == "fr" else week_of(monday),
        start=start,
        end=format_date(sunday, "d MMM y", locale=lang),
    )
    return first_of_month(said, lang)


def last_week(now: datetime, tz: ZoneInfo) -> str:
    return week_of(now.astimezone(tz).date() - timedelta(days=7))


def bounds(monday: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday 00:00 in the team's zone, in UTC (DST-aware)."""
    start = datetime.combine(monday, time(), tz)
    end = datetime.combine(monday + timedelta(days=7), time(), tz)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


@dataclass(frozen=True)
class Row:
    id: int
    network: str
    excerpt: str
    handling: str
    handled_by: str | None
    seen_at: datetime
    topics: tuple[str, ...]


@dataclass
class Recap:
    week: str
    monday: date
    total: int
    previous: int
    by_network: list[tuple[str, int]]
    by_handling: list[tuple[str, int]]
    by_topic: list[tuple[str, int]]
    rows: list[Row]
    per_day: dict[date, Counter[str]] = field(default_factory=dict)
    reported: int = 0  # entries of the week members reported (/cm report)
    reporters: int = 0  # how many members reported them
    parts: list[Callable[[str], list[Md]]] = field(default_factory=list)  # the features' lines (RecapPart)


def _grouped(session: Session, column: Any, where: ColumnElement[bool]) -> list[tuple[str, int]]:
    query = select(column, func.count()).where(where).group_by(column).order_by(func.count().desc(), column)
    return [(str(k), int(n)) for k, n in session.execute(query)]


def _rows(session: Session, in_week: ColumnElement[bool]) -> list[Row]:
    """The week's entries with their topics: unhandled first, oldest first (they have waited
    longest); then the rest in order."""
    topics: dict[int, list[str]] = defaultdict(list)
    for entry_id, topic in session.execute(
        select(EntryTopic.entry_id, EntryTopic.topic).join(ModerationEntry).where(in_week)
    ):
        topics[entry_id].append(topic)
    e = ModerationEntry
    rows = [
        Row(i, n, x, h, by, seen if seen.tzinfo else seen.replace(tzinfo=timezone.utc), tuple(topics.get(i, ())))
        for i, n, x, h, by, seen in session.execute(
            select(e.id, e.network, e.excerpt, e.handling, e.handled_by, e.seen_at).where(in_week)
        )
    ]
    rows.sort(key=lambda r: (r.handling not in OPEN, r.handling != "pending", r.seen_at, r.id))
    return rows


def build(session: Session, week: str, tz: ZoneInfo, parts: Sequence[RecapPart] = ()) -> Recap:
    monday = parse_week(week)
    start, end = bounds(monday, tz)
    prev_start, _prev_end = bounds(monday - timedelta(days=7), tz)
    in_week = and_(ModerationEntry.seen_at >= start, ModerationEntry.seen_at < end)
    previous = session.scalar(
        select(func.count())
        .select_from(ModerationEntry)
        .where(ModerationEntry.seen_at >= prev_start, ModerationEntry.seen_at < start)
    )
    by_topic = _grouped(session, EntryTopic.topic, and_(EntryTopic.entry_id == ModerationEntry.id, in_week))
    rows = _rows(session, in_week)
    per_day: dict[date, Counter[str]] = {monday + timedelta(days=d): Counter() for d in range(7)}
    for row in rows:
        per_day.setdefault(row.seen_at.astimezone(tz).date(), Counter())[row.handling] += 1
    reported, reporters = session.execute(
        select(func.count(func.distinct(EntryReport.entry_id)), func.count(func.distinct(EntryReport.reporter_id)))
        .join(ModerationEntry, ModerationEntry.id == EntryReport.entry_id)
        .where(in_week)
    ).one()
    return Recap(
        week=week_of(monday),
        monday=monday,
        total=len(rows),
        previous=previous or 0,
        by_network=_grouped(session, ModerationEntry.network, in_week),
        by_handling=_grouped(session, ModerationEntry.handling, in_week),
        by_topic=by_topic,
        rows=rows,
        per_day=per_day,
        reported=reported or 0,
        reporters=reporters or 0,
        parts=[p.read(session, start, end, tz) for p in parts],
    )
