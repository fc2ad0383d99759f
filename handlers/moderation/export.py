"""`relais export moderation [--out FILE.csv|FILE.xlsx]`: every entry with its
topics and history, in the team's language and local time (core/sheets.py writes
the file as French Excel opens it)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import tzinfo
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Row, Table, select
from sqlalchemy.orm import Session

from handlers.core.i18n import translator
from handlers.core.sheets import Cell, local, write
from handlers.core.work import UnitOfWork
from handlers.moderation.cards import HANDLINGS, NETWORKS, SEVERITIES
from handlers.moderation.columns import BATCH, LOG
from handlers.moderation.tables import EntryReport, EntryTopic, ModerationEntry, ModerationEvent
from storage.models import table_of

_ENTRIES, _EVENTS, _TOPICS = table_of(ModerationEntry), table_of(ModerationEvent), table_of(EntryTopic)
_REPORTS = table_of(EntryReport)


def export_rows(uow: UnitOfWork, path: Path | None, out: IO[str] | None = None) -> int:
    """Every entry with its topics and history, in the team's language and local time."""
    with uow.reading() as s:
        return write(path, out, LOG, _rows(s, uow), uow.team.language)


def _rows(s: Session, uow: UnitOfWork) -> Iterator[list[Cell]]:
    """Entries, their topics, events and reports read side by side, all in entry order: four
    plain queries for the whole log, never one per entry (50,000 entries in seconds)."""
    lang, tz = uow.team.language, uow.team.timezone
    _ = translator(lang)
    topics = _side(s, _TOPICS, _TOPICS.c.topic)
    events = _side(s, _EVENTS, _EVENTS.c.id)
    reports = _side(s, _REPORTS, _REPORTS.c.reported_at)
    networks, severities, handlings = (
        {k: _(v) for k, v in labels.items()} for labels in (NETWORKS, SEVERITIES, HANDLINGS)
    )
    change = _change_said(tz, lang, handlings)
    c = _ENTRIES.c
    columns = (c.id, c.seen_at, c.network, c.link, c.author, c.excerpt, c.severity, c.handling, c.reason, c.note,
               c.logged_by, c.handled_by, c.anonymized_at)  # fmt: skip
    for row in s.execute(select(*columns).order_by(c.id).execution_options(yield_per=BATCH)):
        entry_id, seen_at, network, link, author, excerpt, severity, handling, reason, note, by, handled_by, gone = row
        yield [
            entry_id,
            local(seen_at, tz),
            networks.get(network, network),
            link or "",
            author or "",
            excerpt,
            severities.get(severity, severity),
            handlings.get(handling, handling),
            reason,
            note,
            by,
            handled_by or "",
            "; ".join(t.topic for t in topics(entry_id)),
            local(gone, tz),
            "\n".join(change(v) for v in events(entry_id)),
            "\n".join(f"{r.reporter_id} — {r.note}" if r.note else r.reporter_id for r in reports(entry_id)),
        ]


def _side(s: Session, table: Table, *order: Any) -> Callable[[int], list[Row[Any]]]:
    """A table beside the entries (topics, events, reports), streamed in entry order."""
    query = select(table).order_by(table.c.entry_id, *order).execution_options(yield_per=BATCH)
    return _by_entry(s.execute(query))


def _change_said(tz: tzinfo, lang: str, handlings: dict[str, str]) -> Callable[[Row[Any]], str]:
    """How one change of handling reads: when, who, what, and the note given with it."""
    fmt = "%d/%m/%Y %H:%M" if lang == "fr" else "%Y-%m-%d %H:%M"

    def said(v: Row[Any]) -> str:
        done = f"{v.at.astimezone(tz).strftime(fmt)} {v.actor_id} {handlings.get(v.handling, v.handling)}"
        return f"{done} — {v.note}" if v.note else done

    return said


def _by_entry(rows: Iterable[Row[Any]]) -> Callable[[int], list[Row[Any]]]:
    """The rows of each entry in turn, from one stream ordered by entry id; asked in that order."""
    source = iter(rows)
    ahead = next(source, None)

    def of(entry_id: int) -> list[Row[Any]]:
        nonlocal ahead
        found = []
        while ahead is not None and ahead.entry_id <= entry_id:
            if ahead.entry_id == entry_id:
                found.append(ahead)
            ahead = next(source, None)
        return found

    return of
