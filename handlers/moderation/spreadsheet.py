"""The moderation log from a spreadsheet: `relais import moderation FILE.csv|FILE.xlsx`
(export.py writes it back: `relais export moderation [--out FILE.csv|FILE.xlsx]`). Import columns (a header
row is required; only network and excerpt must be filled):

    seen at, network, link, author, excerpt, severity, handling, reason, note
    (in French: vu le, réseau, lien, auteur, extrait, gravité, traitement, raison, note)

seen at is YYYY-MM-DD or DD/MM/YYYY, with or without a time (team time zone; empty =
now; a date in the future is refused), or a date cell of a workbook; network, severity
and handling take the values of the /cm log form, as keys or labels in either
language. Files are read as handlers/core/sheets.py says (no encoding is guessed).
A bad row is reported with its line number; the other rows still load. Relais reads
its own exports back: their extra columns (id, history, ...) are ignored."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.core.dates import read_moment
from handlers.core.declarations import Imported
from handlers.core.i18n import LANGUAGES, translator
from handlers.core.sheets import Cell, Unreadable, read_rows, text
from handlers.core.text import fold
from handlers.core.work import UnitOfWork
from handlers.moderation.cards import HANDLINGS, NETWORKS, SEVERITIES
from handlers.moderation.columns import BATCH, COLUMNS, IMPORTED, REQUIRED
from handlers.moderation.entries import entry_values
from handlers.moderation.log import check
from handlers.moderation.tables import EntryTopic, ModerationEntry, ModerationEvent
from handlers.topics.sensitive import all_topics, matcher
from storage.models import table_of

# Header names as spreadsheets write them, folded (case, accents, spaces); each column's
# header in every language Relais speaks is added below.
ALIASES = {
    "seen_at": "seen_at", "date": "seen_at", "vu le": "seen_at",
    "reseau": "network", "lien": "link", "auteur": "author", "auteure": "author", "auteur·e": "author",
    "extrait": "excerpt", "message": "excerpt", "gravite": "severity", "traitement": "handling",
    "raison": "reason",
}  # fmt: skip
# The values of the /cm log form, as a spreadsheet may write them: key, label in either language.
VALUE_ALIASES = {"moyen": "medium", "eleve": "high", "haut": "high", "bas": "low", "remonte": "escalated"}
_MOMENT = re.compile(
    r"(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})/(\d{1,2})/(\d{4}))(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?"
)
_SECOND = timedelta(seconds=1)
HEADER_SEARCH = 10  # rows read to find the header, below a title
_WITH_YEAR = re.compile(r"\b\d{4}\b|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2}\b")
_NUMERIC_DAY = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4})\b")


def _header_key(name: str) -> str:
    return " ".join(fold(name).replace("_", " ").split())


def _aliases() -> dict[str, str]:
    read = dict(ALIASES)
    for lang in LANGUAGES:
        _ = translator(lang)
        read |= {_header_key(_(c.header)): c.key for c in COLUMNS}
    return read


def _readings(choices: dict[str, str]) -> dict[str, str]:
    """Folded key or label, in every language Relais speaks, to the key."""
    read = {k: k for k in choices} | {a: k for a, k in VALUE_ALIASES.items() if k in choices}
    for lang in LANGUAGES:
        _ = translator(lang)
        read |= {fold(_(label)).strip(): key for key, label in choices.items()}
    return read


def _seen_at(raw: Cell, uow: UnitOfWork) -> datetime | None:
    """A workbook's date cell, or YYYY-MM-DD / DD/MM/YYYY with or without a time, in the
    team's time zone; ValueError for anything else, or a day that does not exist."""
    tz = uow.team.timezone
    if isinstance(raw, datetime):
        return (raw if raw.tzinfo else raw.replace(tzinfo=tz)).astimezone(timezone.utc)
    if isinstance(raw, date):
        return datetime.combine(raw, time(), tz).astimezone(timezone.utc)
    raw = text(raw).strip()
    if not raw:
        return None
    found = _MOMENT.fullmatch(raw)  # one regular expression, not a strptime per format: 50,000 rows
    if found:
        iso_y, iso_m, iso_d, d, m, y, hour, minute, second = found.groups()
        day = (int(iso_y), int(iso_m), int(iso_d)) if iso_y else (int(y), int(m), int(d))
        clock = (int(hour or 0), int(minute or 0), int(second or 0))
        return datetime(*day, *clock, tzinfo=tz).astimezone(timezone.utc)
    try:
        moment = datetime.fromisoformat(raw)  # anything else ISO, with its offset
    except ValueError:  # as people write it (« 1er décembre 2026 », 02/12/26, 03/12/2026 9h): the forms' reader
        if not _WITH_YEAR.search(raw):  # "hier" or "lundi" in a file: relative to a day nobody knows
            raise
        said, problem = read_moment(raw, tz, uow.team.language, uow.clock(), future=False, time_of_day=time())
        if said is None:
            raise ValueError(problem) from None
        moment = said
    return (moment if moment.tzinfo else moment.replace(tzinfo=tz)).astimezone(timezone.utc)


def import_rows(
    uow: UnitOfWork, actor: str, path: Path, progress: Callable[[int], object] = lambda n: None
) -> Imported:
    """Load what is valid, in batches (a file of 50,000 rows is never held whole); returns
    how many loaded and (line, problem) for the rest. Raises Unreadable when the file
    cannot be read as it is: then nothing is loaded. `progress` is told each row read."""
    lang = uow.team.language
    _ = translator(lang)
    rows = read_rows(path, lang)
    aliases = _aliases()
    first = _header_row(rows, aliases)
    if first is None or not any(text(c).strip() for c in first[1]):
        raise Unreadable(_("{name} has no header row: its first line names the columns.").format(name=path.name))
    header = [aliases.get(_header_key(text(h)), "") for h in first[1]]
    missing = [c for c in COLUMNS if c.key in REQUIRED and c.key not in header]
    if missing:
        expected = ", ".join(_(c.header) for c in COLUMNS if c.key in IMPORTED)
        said = _("missing columns: {cols} (expected: {all})").format(
            cols=", ".join(_(c.header) for c in missing), all=expected
        )
        return Imported(0, [(first[0], said)])
    named = {k: text(h).strip() for k, h in zip(header, first[1], strict=False) if k}  # as the file names them
    return _load(uow, actor, _checked(uow, header, rows), named, progress)


def _load(
    uow: UnitOfWork,
    actor: str,
    checked: Iterator[tuple[int, dict[str, str], datetime | None, dict[str, str]]],
    named: dict[str, str],
    progress: Callable[[int], object],
) -> Imported:
    """The valid rows stored a batch at a time; each refused one said by line, its columns as the file names them."""
    _ = translator(uow.team.language)
    loaded, already, problems, batch, known = 0, 0, [], [], Known()
    for line, values, seen_at, errors in checked:
        progress(1)
        if errors:
            said = (
                _("{column}: {problem}").format(column=named.get(k, k), problem=v) if k else v
                for k, v in errors.items()
            )
            problems.append((line, "; ".join(said)))
            continue
        batch.append((values, seen_at))
        if len(batch) == BATCH:
            added = _insert(uow, actor, batch, known)
            loaded, already, batch = loaded + added, already + len(batch) - added, []
    if batch:
        added = _insert(uow, actor, batch, known)
        loaded, already = loaded + added, already + len(batch) - added
    return Imported(loaded, problems, already)


def _header_row(rows: Iterator[tuple[int, list[Cell]]], aliases: dict[str, str]) -> tuple[int, list[Cell]] | None:
    """The row that names the columns: a sheet often has a title, a date or a blank line
    above it. Looked for in the first rows; else the first row that is not blank (its
    missing columns are then said)."""
    first = None
    for _n, row in zip(range(HEADER_SEARCH), rows, strict=False):
        if first is None and any(text(c).strip() for c in row[1]):
            first = row
        named = {aliases.get(_header_key(text(h)), "") for h in row[1]}
        if all(key in named for key in REQUIRED):
            return row
    return first


def _checked(
    uow: UnitOfWork, header: list[str], rows: Iterator[tuple[int, list[Cell]]]
) -> Iterator[tuple[int, dict[str, str], datetime | None, dict[str, str]]]:
    """Each row that is not blank: its line, its values, when it was seen, and what is wrong with it."""
    lang = uow.team.language
    _ = translator(lang)
    choices = {"network": NETWORKS, "severity": SEVERITIES, "handling": HANDLINGS}
    readings = {name: _readings(values) for name, values in choices.items()}
    allowed = {
        name: " " + _("Allowed: {values}.").format(values=", ".join(_(v) for v in c.values()))
        for name, c in choices.items()
    }
    now = uow.clock()
    for line, cells in rows:
        if not any(text(c).strip() for c in cells):
            continue
        if len(cells) < len(header) or any(text(c).strip() for c in cells[len(header) :]):
            yield (
                line,
                {},
                None,
                {
                    "": _(
                        "{n} cells where the header has {m}: a separator inside a text? Put the text in quotes."
                    ).format(n=len(cells), m=len(header))
                },
            )
            continue
        row = {k: c for k, c in zip(header, cells, strict=False) if k}
        values = {k: text(row.get(k)).strip() for k in IMPORTED}
        for name, default in (("network", ""), ("severity", "low"), ("handling", "pending")):
            typed = values[name]
            values[name] = readings[name].get(fold(typed).strip(), typed) if typed else default
        errors = check(values, lang)
        for name in choices:
            if name in errors:
                errors[name] += allowed[name]
        seen_at = _seen_at_checked(uow, row.get("seen_at"), values["seen_at"], errors)
        yield line, values, seen_at or now, errors


def _seen_at_checked(uow: UnitOfWork, cell: Cell, typed: str, errors: dict[str, str]) -> datetime | None:
    """When the message was seen, or None with what is wrong with the date in `errors`."""
    _ = translator(uow.team.language)
    try:
        seen_at = _seen_at(cell, uow)
    except ValueError:
        day = _NUMERIC_DAY.match(typed)
        errors["seen_at"] = (
            _("This date does not exist: {raw}.").format(raw=day.group(1))
            if day
            else _("Please give a date as YYYY-MM-DD or DD/MM/YYYY, with or without a time.")
        )
        return None
    if seen_at is not None and seen_at > uow.clock():
        errors["seen_at"] = _("This date is in the future.")
    return seen_at


_ENTRIES, _EVENTS, _TOPICS = table_of(ModerationEntry), table_of(ModerationEvent), table_of(EntryTopic)


def _insert(uow: UnitOfWork, actor: str, batch: list[tuple[dict[str, str], datetime | None]], known: Known) -> int:
    """One batch in one transaction: the entries, their first handling and their topics,
    each table in one statement."""
    with uow.writing() as s:
        match = matcher(all_topics(s))
        entries = known.fresh(s, [{**entry_values(actor, values), "seen_at": seen_at} for values, seen_at in batch])
        if not entries:
            return 0
        added = s.execute(_ENTRIES.insert().returning(_ENTRIES.c.id, sort_by_parameter_order=True), entries)
        ids = added.scalars().all()
        now = uow.clock()
        events = [
            {"entry_id": i, "handling": e["handling"], "actor_id": actor, "note": e["note"], "at": now}
            for i, e in zip(ids, entries, strict=True)
        ]
        s.execute(_EVENTS.insert(), events)
        topics = [
            {"entry_id": i, "topic": name}
            for i, e in zip(ids, entries, strict=True)
            for name in match(str(e["excerpt"]))
        ]
        if topics:
            s.execute(_TOPICS.insert(), topics)
    return len(ids)


def _same(entry: Mapping[Any, Any]) -> tuple[Any, ...]:
    """What makes two rows one entry: the network, the link (normalised), when (to the
    second: exports write seconds), who and what. An export imported back adds nothing."""
    seen = entry["seen_at"].astimezone(timezone.utc).replace(microsecond=0)
    return entry["network"], entry["link_key"], seen, entry["author"], entry["excerpt"]


class Known:
    """The log's entries an import has seen, by what makes two rows one (`_same`). Each
    stored row is read once per import, however the batches' dates spread: a file's rows
    in no order of date made every batch read the whole log again (40 times the least same
    work for 50,000 rows, bench/README.md)."""

    def __init__(self) -> None:
        self.keys: set[tuple[Any, ...]] = set()
        self.span: tuple[datetime, datetime] | None = None  # the stored rows read so far: seen within it

    def fresh(self, s: Session, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The batch less the rows the log holds already, or that came earlier in the file."""
        first = min(e["seen_at"] for e in entries) - _SECOND
        last = max(e["seen_at"] for e in entries) + _SECOND
        for low, high in self._unread(first, last):
            columns = (_ENTRIES.c.network, _ENTRIES.c.link_key, _ENTRIES.c.seen_at, _ENTRIES.c.author,
                       _ENTRIES.c.excerpt)  # fmt: skip
            near = s.execute(select(*columns).where(_ENTRIES.c.seen_at.between(low, high)))
            self.keys.update(_same(row._mapping) for row in near)
        self.span = (first, last) if self.span is None else (min(first, self.span[0]), max(last, self.span[1]))
        fresh = []
        for entry in entries:
            key = _same(entry)
            if key not in self.keys:
                self.keys.add(key)
                fresh.append(entry)
        return fresh

    def _unread(self, first: datetime, last: datetime) -> list[tuple[datetime, datetime]]:
        if self.span is None:
            return [(first, last)]
        low, high = self.span
        return [(a, b) for a, b in ((first, low), (high, last)) if a < b]


def describe_columns(_: Callable[[str], str]) -> str:
    columns = ", ".join(_(c.header) for c in COLUMNS if c.key in IMPORTED)
    return _(
        "Load moderation entries from a CSV file (UTF-8, UTF-16 or Windows-1252; separated by , ; or tab) "
        "or an .xlsx workbook. The first row names the columns: {columns}. Required: {required}."
    ).format(columns=columns, required=", ".join(_(c.header) for c in COLUMNS if c.key in REQUIRED))
