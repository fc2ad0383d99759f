"""The moderation log as CSV: `relais import moderation FILE.csv` and
`relais export moderation`. Import columns (a header row is required; only
`network` and `excerpt` must be filled):

    seen_at, network, link, author, excerpt, severity, handling, reason, note

seen_at is YYYY-MM-DD or YYYY-MM-DDTHH:MM (team time zone; empty = now);
network, severity and handling take the values of the /cm log form
(facebook, instagram, x, linkedin, youtube, tiktok, website, other;
low, medium, high; pending, replied, hidden, deleted, escalated, ignored).
A bad row is reported with its line number; the other rows still load."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import TextIO

from sqlalchemy import select

from handlers.core.context import Deps
from handlers.core.i18n import translator
from handlers.core.text import fold
from handlers.moderation.cards import NETWORKS
from handlers.moderation.log import check, store
from storage.models import ModerationEntry, ModerationEvent

COLUMNS = ["seen_at", "network", "link", "author", "excerpt", "severity", "handling", "reason", "note"]
EXPORT_COLUMNS = [
    "id",
    "seen_at",
    "network",
    "link",
    "author",
    "excerpt",
    "severity",
    "handling",
    "reason",
    "note",
    "logged_by",
    "handled_by",
    "topics",
    "anonymized_at",
    "history",  # every change of handling: when, who, handling — note (one per line)
]


def _seen_at(raw: str, deps: Deps) -> datetime | None:
    raw = raw.strip()
    if not raw:
        return None
    moment = datetime.fromisoformat(raw)
    return (moment if moment.tzinfo else moment.replace(tzinfo=deps.team.timezone)).astimezone(timezone.utc)


def import_rows(deps: Deps, actor: str, source: TextIO) -> tuple[int, list[tuple[int, str]]]:
    """Load what is valid; returns how many loaded and (line, problem) for the rest."""
    _ = translator(deps.team.language)
    reader = csv.DictReader(source)
    missing = {"network", "excerpt"} - set(reader.fieldnames or [])
    if missing:
        return 0, [
            (
                1,
                _("missing columns: {cols} (expected: {all})").format(
                    cols=", ".join(sorted(missing)), all=", ".join(COLUMNS)
                ),
            )
        ]
    loaded, problems = 0, []
    labels = {fold(v): k for k, v in NETWORKS.items()} | {k: k for k in NETWORKS}
    for row in reader:
        line = reader.line_num
        values = {k: (row.get(k) or "").strip() for k in COLUMNS}
        values["network"] = labels.get(fold(values["network"]), values["network"])
        values["severity"] = values["severity"].lower() or "low"
        values["handling"] = values["handling"].lower() or "pending"
        errors = check(values, deps.team.language)
        try:
            seen_at = _seen_at(values["seen_at"], deps)
        except ValueError:
            errors["seen_at"] = _("Please give a date as YYYY-MM-DD.")
        if errors:
            problems.append((line, "; ".join(f"{k}: {v}" for k, v in errors.items())))
            continue
        store(deps, actor, values, seen_at)
        loaded += 1
    return loaded, problems


def export_rows(deps: Deps, out: TextIO) -> int:
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    with deps.db() as s:
        for entry in s.scalars(select(ModerationEntry).order_by(ModerationEntry.id).execution_options(yield_per=1000)):
            events = s.scalars(
                select(ModerationEvent).where(ModerationEvent.entry_id == entry.id).order_by(ModerationEvent.id)
            )
            writer.writerow([*_cells(entry), _history(events)])
            count += 1
    return count


def _history(events: Iterable[ModerationEvent]) -> str:
    """Every change of handling, one per line: when, who, what, and the note given with it."""
    return "\n".join(
        " ".join(filter(None, [e.at.isoformat(), e.actor_id, e.handling, f"— {e.note}" if e.note else ""]))
        for e in events
    )


def _cells(e: ModerationEntry) -> Iterable[object]:
    return [
        e.id,
        e.seen_at.isoformat(),
        e.network,
        e.link or "",
        e.author or "",
        e.excerpt,
        e.severity,
        e.handling,
        e.reason,
        e.note,
        e.logged_by,
        e.handled_by or "",
        "; ".join(t.topic for t in e.topics),
        e.anonymized_at.isoformat() if e.anonymized_at else "",
    ]
