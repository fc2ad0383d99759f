"""Spreadsheets as French offices make and open them: CSV (UTF-8 with or without its
BOM, UTF-16 by its BOM, else Windows-1252, `,` `;` or tab) and .xlsx, read row by row.

Nothing is guessed: `charset-normalizer` read a Windows-1252 file as Windows-1250
("Éloïse Cœur" stored as "Éloďse Cśur"). A file is decoded strictly in the one
encoding its bytes allow, or refused whole with one line saying why and what to do.
Exports follow the reader's language: in French `;`, UTF-8 with a BOM (what French
Excel needs to read accents), French headers, local times; in English `,`."""

from __future__ import annotations

import codecs
import csv
import errno
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Literal
from zoneinfo import ZoneInfo

from handlers.core.i18n import N_, translator

Cell = str | int | date | datetime | None
CHUNK = 1 << 20
XLSX_MAGIC = b"PK\x03\x04"
OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"
# An OpenDocument file is a zip whose first member, stored, is `mimetype`: its text is in the first bytes.
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
WRITTEN = (".csv", ".xlsx")
# A run of bytes that only UTF-8 writes: in a file that is not UTF-8, it means part of it was.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
TRIED = "UTF-8, UTF-16, Windows-1252"


class Unreadable(Exception):
    """The file is refused whole; the message is the one line to show."""


class Unwritable(Exception):
    """The export is refused before anything is written; the message is the one line to show."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # msgid, shown in the reader's language
    width: int = 14  # in characters, for the .xlsx
    kind: Literal["text", "moment", "day"] = "text"  # a moment is a zone-less local datetime (`local`)


def _refuse(lang: str, message: str, **values: object) -> Unreadable:
    return Unreadable(translator(lang)(message).format(**values))


def encoding_of(path: Path, lang: str) -> str:
    """The one encoding the whole file decodes in, read in chunks (a large file is not held)."""
    with path.open("rb") as f:
        head = f.read(4)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    elif head.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    else:
        candidates = ["utf-8", "cp1252"]
    for encoding in candidates:
        problem = _decodes(path, encoding)
        if problem is None:
            return encoding
        if problem == "binary":
            raise _refuse(lang, N_("{name} is not a spreadsheet (CSV or .xlsx)."), name=path.name)
        if problem == "mixed":
            raise _refuse(
                lang,
                N_(
                    "{name} mixes two encodings (part UTF-8, part Windows-1252); nothing was loaded. "
                    "Open it in your spreadsheet and save it as “CSV UTF-8”."
                ),
                name=path.name,
            )
    raise _refuse(
        lang,
        N_(
            "{name} is in none of the encodings Relais reads ({tried}); nothing was loaded. "
            "Open it in your spreadsheet and save it as “CSV UTF-8”."
        ),
        name=path.name,
        tried=TRIED,
    )


def _decodes(path: Path, encoding: str) -> str | None:
    """None if the whole file decodes strictly; else "binary", "mixed" or "no"."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    tail = b""
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            if encoding in ("utf-8", "cp1252") and b"\x00" in chunk:
                return "binary"
            if encoding == "cp1252" and _UTF8_SEQUENCE.search(tail + chunk):
                return "mixed"
            tail = chunk[-3:]
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return "no"
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "no"
    return None


def read_rows(path: Path, lang: str) -> Iterator[tuple[int, list[Cell]]]:
    """(line number, cells) for each row of a CSV or .xlsx file, the header first.
    Raises Unreadable before the first row when the file cannot be read as it is."""
    if path.is_dir():
        raise _refuse(lang, N_("{name} is a folder: give the spreadsheet file inside it."), name=path.name)
    with path.open("rb") as f:
        head = f.read(128)
    if not head:
        raise _refuse(lang, N_("{name} is empty: export the spreadsheet again."), name=path.name)
    if head.startswith(OLD_EXCEL_MAGIC):
        raise _refuse(lang, N_("{name} is an old Excel file (.xls): save it as .xlsx or “CSV UTF-8”."), name=path.name)
    if head.startswith(XLSX_MAGIC) and ODS_MIMETYPE in head:
        raise _refuse(
            lang,
            N_("{name} is a LibreOffice spreadsheet (.ods): in LibreOffice, “Save as” Excel (.xlsx) or CSV, then "
               "import that file."),
            name=path.name,
        )  # fmt: skip
    if head.startswith(XLSX_MAGIC):
        return _xlsx_rows(path, lang)
    return _csv_rows(path, encoding_of(path, lang))


def _csv_rows(path: Path, encoding: str) -> Iterator[tuple[int, list[Cell]]]:
    with path.open(encoding=encoding, newline="") as f:
        first = f.readline()
        try:  # the header row says it best: texts further down may hold commas or semicolons
            dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(first, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        f.seek(0)
        reader = csv.reader(f, dialect)
        for cells in reader:
            yield reader.line_num, list(cells)


def _xlsx_rows(path: Path, lang: str) -> Iterator[tuple[int, list[Cell]]]:
    from openpyxl import load_workbook  # loaded only for a workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a zip that is no workbook (a .docx, a damaged file): openpyxl's many errors
        raise _refuse(lang, N_("{name} is not a spreadsheet (CSV or .xlsx)."), name=path.name) from exc

    def rows() -> Iterator[tuple[int, list[Cell]]]:
        try:
            sheet = book.worksheets[0]
            for n, values in enumerate(sheet.iter_rows(values_only=True), 1):
                yield n, [_cell(v) for v in values]
        finally:
            book.close()

    return rows()


def _cell(value: object) -> Cell:
    """A workbook value as the import reads it: dates stay dates, whole numbers lose no digit."""
    if value is None or isinstance(value, str | datetime | date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def text(cell: Cell) -> str:
    return "" if cell is None else cell if isinstance(cell, str) else str(cell)


# What one export writes: French Excel reads `;` and day-first dates; English Excel `,`.
DELIMITERS = {"fr": ";"}
MOMENT_FORMATS = {
    "fr": ("%d/%m/%Y %H:%M:%S", "DD/MM/YYYY HH:MM:SS"),
    "en": ("%Y-%m-%d %H:%M:%S", "YYYY-MM-DD HH:MM:SS"),
}
DAY_FORMATS = {"fr": ("%d/%m/%Y", "DD/MM/YYYY"), "en": ("%Y-%m-%d", "YYYY-MM-DD")}


def _formats(kind: str, lang: str) -> tuple[str, str]:
    """How a date column is written in the reader's language: (strftime for CSV, Excel's number format)."""
    table = MOMENT_FORMATS if kind == "moment" else DAY_FORMATS
    return table.get(lang, table["en"])


def local(moment: datetime | None, tz: ZoneInfo) -> datetime | None:
    """A stored instant as the team's wall clock shows it, to the second, without a zone
    (spreadsheets keep none)."""
    return moment.astimezone(tz).replace(tzinfo=None, microsecond=0) if moment else None


@dataclass(frozen=True)
class Sheet:
    """What one export writes: its sheet's name (a msgid, shown in the reader's language) and columns."""

    title: str
    columns: Sequence[Column]


def check_target(path: Path | None, lang: str) -> None:
    """An export goes to a .csv or .xlsx file (or the screen), never to a name that promises
    another format (`x.ods` holding CSV): refused before anything is read or written."""
    if path is None:
        return
    _ = translator(lang)
    if path.suffix.casefold() not in WRITTEN:
        raise Unwritable(
            _("{name}: Relais writes .csv or .xlsx files; give a name ending in one of them.").format(name=path.name)
        )
    if not path.parent.is_dir():  # said as the CLI says any missing file (XlsxWriter would fail only at the end)
        raise FileNotFoundError(errno.ENOENT, "no such folder", str(path))


def write(path: Path | None, out: IO[str] | None, sheet: Sheet, rows: Iterable[Sequence[Cell]], lang: str) -> int:
    """Rows to `path` (.xlsx or .csv by its suffix) or to `out` (CSV); returns how many."""
    check_target(path, lang)
    columns = sheet.columns
    if path is not None and path.suffix.casefold() == ".xlsx":
        return _write_xlsx(path, sheet, rows, lang)
    if path is None:
        assert out is not None
        return _write_csv(out, columns, rows, lang)
    with path.open("w", encoding="utf-8-sig", newline="") as target:  # the BOM tells Excel it is UTF-8
        return _write_csv(target, columns, rows, lang)


def _write_csv(out: IO[str], columns: Sequence[Column], rows: Iterable[Sequence[Cell]], lang: str) -> int:
    _ = translator(lang)
    writer = csv.writer(out, delimiter=DELIMITERS.get(lang, ","))
    writer.writerow([_(c.header) for c in columns])
    dated = [(i, _formats(c.kind, lang)[0]) for i, c in enumerate(columns) if c.kind != "text"]
    count = 0
    for row in rows:
        if dated:  # only the date columns are looked at: 50,000 rows of 15 cells
            row = list(row)
            for i, fmt in dated:
                value = row[i]
                row[i] = value.strftime(fmt) if isinstance(value, date) else value
        writer.writerow(row)
        count += 1
    return count


def _write_xlsx(path: Path, named: Sheet, rows: Iterable[Sequence[Cell]], lang: str) -> int:
    """XlsxWriter in constant memory: a row is written and let go (openpyxl, which reads the
    imports, wrote 50,000 rows in 20 s; this in a few). The sheet is named in the reader's language."""
    import xlsxwriter

    _ = translator(lang)
    columns = named.columns
    with xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_urls": False}) as book:
        sheet = book.add_worksheet(_(named.title)[:31])
        shown = {kind: book.add_format({"num_format": _formats(kind, lang)[1]}) for kind in ("moment", "day")}
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        for i, column in enumerate(columns):
            sheet.set_column(i, i, column.width, shown.get(column.kind))
        sheet.write_row(0, 0, [_(c.header) for c in columns], book.add_format({"bold": True}))
        sheet.freeze_panes(1, 0)  # the header stays in view while scrolling
        kinds = [c.kind for c in columns]
        count = 0
        for count, row in enumerate(rows, 1):
            for i, (value, kind) in enumerate(zip(row, kinds, strict=True)):
                if value is None or value == "":
                    continue
                if kind != "text" and isinstance(value, date):
                    sheet.write_datetime(count, i, value, shown[kind])  # a real date, shown as the reader writes it
                elif isinstance(value, str):
                    sheet.write_string(count, i, value, wrap if "\n" in value else None)
                else:
                    sheet.write_number(count, i, value)
    return count
