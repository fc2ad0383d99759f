"""The moderation log as CSV: `relais import moderation FILE.csv` and
`relais export moderation`. Import columns (a header row is required; only
`network` and `excerpt` must be filled):

    seen_at, network, link, author, excerpt, severity, handling, reason, note

seen_at is YYYY-MM-DD or DD/MM/YYYY, with or without a time (team time zone;
empty = now; a date in the future is refused); French header names work too
(date, réseau, lien, auteur, extrait, gravité, traitement, raison, note), and
so do `;` or tab separators and Windows-1252 files, as French Excel saves them;
network, severity and handling take the values of the /cm log form
(facebook, instagram, x, linkedin, youtube, tiktok, website, other;
low, medium, high; pending, replied, hidden, deleted, escalated, ignored).
A bad row is reported with its line number; the other rows still load."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import TextIO

from sqlalchemy import select

from handlers.core.context import Deps
from handlers.core.i18n import LANGUAGES, translator
from handlers.core.text import fold
from handlers.moderation.cards import HANDLINGS, NETWORKS, SEVERITIES, entry_history
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


# Header names as spreadsheets write them, French included, folded (case, accents, spaces).
ALIASES = {
    "seen_at": "seen_at", "seen at": "seen_at", "date": "seen_at", "vu le": "seen_at",
    "network": "network", "reseau": "network",
    "link": "link", "lien": "link",
    "author": "author", "auteur": "author", "auteure": "author", "auteur·e": "author",
    "excerpt": "excerpt", "extrait": "excerpt", "message": "excerpt",
    "severity": "severity", "gravite": "severity",
    "handling": "handling", "traitement": "handling",
    "reason": "reason", "raison": "reason",
    "note": "note",
}  # fmt: skip
# The values of the /cm log form, as a spreadsheet may write them: key, label in either language.
VALUE_ALIASES = {"moyen": "medium", "eleve": "high", "haut": "high", "bas": "low", "remonte": "escalated"}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
TIME_FORMATS = ("", " %H:%M", "T%H:%M", " %H:%M:%S", "T%H:%M:%S")


def decode(data: bytes) -> str:
    """UTF-8 with or without its BOM, else what charset-normalizer recognises (French
    Excel saves Windows-1252)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        return str(best) if best is not None else data.decode("cp1252", errors="replace")


def _readings(choices: dict[str, str]) -> dict[str, str]:
    """Folded key or label, in every language Relais speaks, to the key."""
    read = {k: k for k in choices} | {a: k for a, k in VALUE_ALIASES.items() if k in choices}
    for lang in LANGUAGES:
        _ = translator(lang)
        read |= {fold(_(label)).strip(): key for key, label in choices.items()}
    return read


def _seen_at(raw: str, deps: Deps) -> datetime | None:
    """YYYY-MM-DD or DD/MM/YYYY, with or without a time, in the team's time zone."""
    raw = raw.strip()
    if not raw:
        return None
    for day in DATE_FORMATS:
        for time in TIME_FORMATS:
            try:
                moment = datetime.strptime(raw, day + time)
            except ValueError:
                continue
            return moment.replace(tzinfo=deps.team.timezone).astimezone(timezone.utc)
    moment = datetime.fromisoformat(raw)  # anything else ISO, with its offset; ValueError if not
    return (moment if moment.tzinfo else moment.replace(tzinfo=deps.team.timezone)).astimezone(timezone.utc)


def import_rows(deps: Deps, actor: str, source: TextIO) -> tuple[int, list[tuple[int, str]]]:
    """Load what is valid; returns how many loaded and (line, problem) for the rest.
    The separator (`,` `;` or tab) is detected, and header names may be French."""
    _ = translator(deps.team.language)
    text = source.read()
    try:  # the header row says it best: texts further down may hold commas or semicolons
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    first = next(reader, [])
    header = [ALIASES.get(" ".join(fold(h).replace("_", " ").split()), fold(h).strip()) for h in first]
    missing = {"network", "excerpt"} - set(header)
    if missing:
        return 0, [
            (
                1,
                _("missing columns: {cols} (expected: {all})").format(
                    cols=", ".join(sorted(missing)), all=", ".join(COLUMNS)
                ),
            )
        ]
    named = dict(zip(header, (h.strip() for h in first), strict=False))  # each column as the file names it
    loaded, problems = 0, []
    choices = {"network": NETWORKS, "severity": SEVERITIES, "handling": HANDLINGS}
    readings = {name: _readings(values) for name, values in choices.items()}
    now = deps.clock()
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                (
                    line,
                    _("{n} cells where the header has {m}: a separator inside a text? Put the text in quotes.").format(
                        n=len(cells), m=len(header)
                    ),
                )
            )
            continue
        row = dict(zip(header, cells, strict=True))
        values = {k: (row.get(k) or "").strip() for k in COLUMNS}
        for name, default in (("network", ""), ("severity", "low"), ("handling", "pending")):
            typed = values[name]
            values[name] = readings[name].get(fold(typed).strip(), typed) if typed else default
        errors = check(values, deps.team.language)
        for name, allowed in choices.items():
            if name in errors:
                errors[name] += " " + _("Allowed: {values}.").format(values=", ".join(_(v) for v in allowed.values()))
        try:
            seen_at = _seen_at(values["seen_at"], deps)
            if seen_at is not None and seen_at > now:
                errors["seen_at"] = _("This date is in the future.")
        except ValueError:
            errors["seen_at"] = _("Please give a date as YYYY-MM-DD or DD/MM/YYYY, with or without a time.")
        if errors:
            problems.append(
                (
                    line,
                    "; ".join(
                        _("{column}: {problem}").format(column=named.get(k, k), problem=v) for k, v in errors.items()
                    ),
                )
            )
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
            writer.writerow([*_cells(entry), _history(entry_history(s, entry.id))])
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
