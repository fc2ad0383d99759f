"""What volunteers bring in a spreadsheet is stored exactly as written, or refused whole
with one line; exports open in French Excel and come back in unchanged."""

from __future__ import annotations

import codecs
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from handlers.core.sheets import Unreadable
from handlers.core.uow import SqlUnitOfWork
from handlers.moderation.entries import store
from handlers.moderation.export import export_rows
from handlers.moderation.spreadsheet import import_rows
from handlers.moderation.tables import EntryTopic, ModerationEntry, ModerationEvent
from handlers.topics.tables import Topic

ACCENTS = "àâäçéèêëîïôöùûüÿ ÀÂÄÇÉÈÊËÎÏÔÖÙÛÜ"
CP1252_ONLY = "œŒ Ÿ æÆ « Vous êtes nuls » l’asso – tiret — cadratin … 12 €"
LATIN1 = "æÆ « Vous êtes nuls » ½ °"
AUTHORS = {"cp1252": "Éloïse Cœur", "latin-1": "Éloïse Dupré"}


def corpus(encoding: str) -> tuple[str, str]:
    """(author, excerpt) with every character the encoding can write that French uses."""
    if encoding == "latin-1":
        return AUTHORS["latin-1"], f"{ACCENTS} {LATIN1}"
    return AUTHORS["cp1252"], f"{ACCENTS} {CP1252_ONLY}"


def write_file(path: Path, encoding: str, rows: int) -> tuple[str, str]:
    author, excerpt = corpus(encoding)
    sep = ";" if encoding in ("cp1252", "latin-1") else ","  # French Excel's CSV, and the rest
    lines = [sep.join(["date", "réseau", "auteur", "extrait"])]
    lines += [sep.join(["01/11/2026 10:00", "facebook", author, f'"{excerpt} {n}"']) for n in range(rows)]
    text = "\r\n".join(lines) + "\r\n"
    data = text.encode("utf-8-sig" if encoding == "utf-8-sig" else encoding)
    path.write_bytes(data)
    return author, excerpt


def stored(deps) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with deps.db() as s:
        return [(e.author, e.excerpt) for e in s.scalars(select(ModerationEntry).order_by(ModerationEntry.id))]


@pytest.mark.parametrize("rows", [1, 3, 2000])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"])
def test_every_encoding_offices_use_is_stored_unchanged(deps, tmp_path, encoding, rows):
    path = tmp_path / "journal.csv"
    author, excerpt = write_file(path, encoding, rows)
    assert import_rows(SqlUnitOfWork(deps), "import", path) == (rows, [], 0)
    assert stored(deps) == [(author, f"{excerpt} {n}") for n in range(rows)]


def test_forget_finds_the_author_of_a_windows_1252_file(deps, tmp_path):
    from handlers.moderation import retention

    path = tmp_path / "excel.csv"
    write_file(path, "cp1252", 3)
    import_rows(SqlUnitOfWork(deps), "import", path)
    assert retention.forget_author(SqlUnitOfWork(deps), "éloïse cœur") == 3


@pytest.mark.parametrize(
    ("name", "data", "said"),
    [
        ("undefined.csv", "réseau;extrait\nfacebook;Vous êtes nuls\n".encode("cp1252") + b"facebook;\x81\n", "none of"),
        (
            "mixed.csv",
            "réseau;extrait\nfacebook;Vous êtes nuls\n".encode("cp1252") + "facebook;Cœur\n".encode(),
            "mixes two encodings",
        ),
        ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a spreadsheet"),
        ("utf16-no-bom.csv", "réseau,extrait\n".encode("utf-16-le"), "not a spreadsheet"),
        ("empty.csv", b"", "is empty"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Excel file"),
        ("broken.xlsx", b"PK\x03\x04 not really a workbook", "not a spreadsheet"),
        ("blank.csv", b"\r\n\r\n", "no header row"),
    ],
)
def test_a_file_that_cannot_be_read_as_it_is_is_refused_whole(deps, tmp_path, name, data, said):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(Unreadable) as refused:
        import_rows(SqlUnitOfWork(deps), "import", path)
    assert said in str(refused.value) and name in str(refused.value) and "\n" not in str(refused.value)
    assert stored(deps) == []


def test_a_folder_is_refused_in_one_line(deps, tmp_path):
    with pytest.raises(Unreadable, match="is a folder"):
        import_rows(SqlUnitOfWork(deps), "import", tmp_path)


def test_a_day_that_does_not_exist_is_called_that(deps, tmp_path):
    path = tmp_path / "dates.csv"
    path.write_text("date;réseau;extrait\n31/02/2026;facebook;Bof\n2026-13-01;x;Bof\nhier;x;Bof\n", encoding="utf-8")
    loaded, problems, _already = import_rows(SqlUnitOfWork(deps), "import", path)
    assert loaded == 0
    assert [p for _line, p in problems] == [
        "date: This date does not exist: 31/02/2026.",
        "date: This date does not exist: 2026-13-01.",
        "date: Please give a date as YYYY-MM-DD or DD/MM/YYYY, with or without a time.",
    ]


def test_missing_columns_are_named_in_the_teams_language(deps, tmp_path):
    path = tmp_path / "wrong.csv"
    path.write_text("date;auteur\n01/11/2026;Jean\n", encoding="utf-8")
    french = replace(deps, team=replace(deps.team, language="fr"))
    loaded, problems, _already = import_rows(french, "import", path)
    assert loaded == 0 and problems[0][1].startswith("colonnes manquantes\u202f: réseau, extrait")


def logged(deps) -> None:  # type: ignore[no-untyped-def]
    """A log as the CM keeps it: topics, a handled entry with a note, an anonymised one."""
    with deps.db.begin() as s:
        s.add(Topic(name="Fusion", keywords="regroupement", created_by="cm"))
    seen = datetime(2026, 11, 12, 9, 30, 15, tzinfo=timezone.utc)
    store(SqlUnitOfWork(deps), "cm", {"network": "facebook", "excerpt": "La fusion ; « honte »\nligne 2", "author": "Éloïse Cœur",
                       "link": "https://facebook.com/asso/posts/1?a=1&b=2"}, seen)  # fmt: skip
    store(SqlUnitOfWork(deps), "cm", {"network": "website", "excerpt": "Spam", "handling": "ignored", "reason": "pub",
                       "severity": "high", "note": "vu, “rien” à faire"}, seen)  # fmt: skip
    store(SqlUnitOfWork(deps), "cm", {"network": "x", "excerpt": "Bof, le regroupement", "handling": "escalated"}, seen)


def entries(deps) -> list[tuple[object, ...]]:  # type: ignore[no-untyped-def]
    with deps.db() as s:
        return [
            (e.network, e.link, e.author, e.excerpt, e.severity, e.handling, e.reason, e.note, e.seen_at,
             sorted(t.topic for t in e.topics))
            for e in s.scalars(select(ModerationEntry).order_by(ModerationEntry.id))
        ]  # fmt: skip


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_relais_reads_its_own_exports_back_unchanged(deps, clean_engine, tmp_path, language, suffix):
    deps = replace(deps, team=replace(deps.team, language=language))
    logged(deps)
    before = entries(deps)
    out = tmp_path / f"journal{suffix}"
    assert export_rows(SqlUnitOfWork(deps), out) == 3
    with deps.db.begin() as s:  # a new, empty log (the topics are kept: they are matched again)
        s.execute(EntryTopic.__table__.delete())
        s.execute(ModerationEvent.__table__.delete())
        s.execute(ModerationEntry.__table__.delete())
    assert import_rows(SqlUnitOfWork(deps), "import", out) == (3, [], 0)
    assert entries(deps) == before


def test_the_french_csv_opens_in_french_excel(deps, tmp_path):
    deps = replace(deps, team=replace(deps.team, language="fr"))
    logged(deps)
    out = tmp_path / "journal.csv"
    export_rows(SqlUnitOfWork(deps), out)
    data = out.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)  # French Excel reads UTF-8 only with it
    header, first = data.decode("utf-8-sig").split("\r\n")[:2]
    assert header.split(";")[:8] == ["n°", "vu le", "réseau", "lien", "auteur", "extrait", "gravité", "traitement"]
    assert first.startswith("1;12/11/2026 10:30:15;Facebook;https://facebook.com/asso/posts/1?a=1&b=2;Éloïse Cœur;")


def test_the_workbook_has_dates_as_dates_a_frozen_header_and_readable_widths(deps, tmp_path):
    from openpyxl import load_workbook

    logged(deps)
    out = tmp_path / "journal.xlsx"
    export_rows(SqlUnitOfWork(deps), out)
    sheet = load_workbook(out).worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet["B2"].value == datetime(2026, 11, 12, 10, 30, 15)  # Paris time, a real date
    assert sheet["B2"].is_date
    assert sheet.column_dimensions["F"].width >= 40  # the excerpt
    assert sheet["F2"].value == "La fusion ; « honte »\nligne 2"


def test_a_workbook_imports_with_its_date_cells(deps, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Vu le", "Réseau", "Extrait", "Gravité"])
    sheet.append([datetime(2026, 11, 3, 18, 0), "Facebook", "Cœur brisé", "élevé"])
    sheet.append([None, "instagram", 12345, None])
    book.save(tmp_path / "journal.xlsx")
    assert import_rows(SqlUnitOfWork(deps), "import", tmp_path / "journal.xlsx") == (2, [], 0)
    with deps.db() as s:
        first, second = s.scalars(select(ModerationEntry).order_by(ModerationEntry.id))
        assert (first.excerpt, first.severity, first.seen_at) == (
            "Cœur brisé",
            "high",
            datetime(2026, 11, 3, 17, 0, tzinfo=timezone.utc),
        )
        assert second.excerpt == "12345" and s.scalar(select(func.count()).select_from(ModerationEvent)) == 2


def test_a_corrected_file_imported_again_adds_only_the_row_that_was_refused(deps, tmp_path, capsys):
    """4 rows, one with a bad date: 3 loaded. The date fixed and the same file imported again:
    the fixed row is loaded, the 3 already there are said and not added twice."""
    path = tmp_path / "journal.csv"
    day = f"{deps.today() - timedelta(days=5):%d/%m/%Y}"  # days before the test's clock, whatever it reads
    rows = ["date;réseau;lien;auteur;extrait", f"{day} 09:00;facebook;https://fb.example/p/1;Jean;Honteux",
            f"{day} 10:00;x;https://x.example/s/2;Marie;Nul", "{bad};instagram;https://i.example/p/3;Paul;Bof",
            f"{day} 11:30;facebook;https://fb.example/p/4;Lou;Arnaque"]  # fmt: skip
    path.write_text("\n".join(rows).replace("{bad}", "31/11/2026 10:00") + "\n", encoding="utf-8")
    first = import_rows(SqlUnitOfWork(deps), "import", path)
    print("first import:", first)
    assert (first.loaded, first.already, [line for line, _p in first.problems]) == (3, 0, [4])
    path.write_text("\n".join(rows).replace("{bad}", f"{day} 10:30") + "\n", encoding="utf-8")
    second = import_rows(SqlUnitOfWork(deps), "import", path)
    print("second import:", second)
    assert second == (1, [], 3)
    assert sorted(author for author, _excerpt in stored(deps)) == ["Jean", "Lou", "Marie", "Paul"]
    assert import_rows(SqlUnitOfWork(deps), "import", path) == (0, [], 4)  # a third time: nothing


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_an_export_imported_back_into_the_same_log_adds_nothing(deps, tmp_path, suffix):
    logged(deps)
    before = entries(deps)
    out = tmp_path / f"journal{suffix}"
    assert export_rows(SqlUnitOfWork(deps), out) == 3
    assert import_rows(SqlUnitOfWork(deps), "import", out) == (0, [], 3)
    assert entries(deps) == before


def test_a_title_and_a_blank_line_above_the_header_are_skipped(deps, tmp_path):
    path = tmp_path / "journal.csv"
    path.write_text("Journal de modération — association Les Amis;;\n;;\ndate;réseau;extrait\n"
                    "01/11/2026;facebook;Honteux\n", encoding="cp1252")  # fmt: skip
    assert import_rows(SqlUnitOfWork(deps), "import", path) == (1, [], 0)
    assert [excerpt for _author, excerpt in stored(deps)] == ["Honteux"]


def test_dates_as_people_write_them_are_imported(deps, tmp_path):
    path = tmp_path / "journal.csv"
    path.write_text("date;réseau;extrait\n1er novembre 2026;facebook;Un\n02/11/26;x;Deux\n"
                    "03/11/2026 9h;x;Trois\n", encoding="utf-8")  # fmt: skip
    assert import_rows(SqlUnitOfWork(deps), "import", path) == (3, [], 0)
    tz = deps.team.timezone
    with deps.db() as s:
        seen = sorted(s.scalars(select(ModerationEntry.seen_at)))
    assert [m.astimezone(tz).strftime("%d/%m/%Y %H:%M") for m in seen] == [
        "01/11/2026 00:00", "02/11/2026 00:00", "03/11/2026 09:00"]  # fmt: skip


def test_a_libreoffice_spreadsheet_is_refused_with_how_to_save_it(deps, tmp_path):
    import zipfile

    path = tmp_path / "journal.ods"
    with zipfile.ZipFile(path, "w") as ods:  # as LibreOffice writes it: `mimetype` first, stored
        ods.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        ods.writestr("content.xml", "<office:document-content/>", zipfile.ZIP_DEFLATED)
    with pytest.raises(Unreadable) as refused:
        import_rows(SqlUnitOfWork(deps), "import", path)
    assert str(refused.value) == (
        "journal.ods is a LibreOffice spreadsheet (.ods): in LibreOffice, “Save as” Excel (.xlsx) or CSV, "
        "then import that file."
    )
    assert stored(deps) == []


@pytest.mark.parametrize("name", ["journal.ods", "journal.xls", "journal"])
def test_an_export_refuses_a_format_it_does_not_write_and_writes_nothing(deps, tmp_path, name):
    from handlers.core.sheets import Unwritable

    logged(deps)
    with pytest.raises(Unwritable) as refused:
        export_rows(SqlUnitOfWork(deps), tmp_path / name)
    assert str(refused.value) == f"{name}: Relais writes .csv or .xlsx files; give a name ending in one of them."
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("language", "title"), [("fr", "Journal de modération"), ("en", "Moderation log")])
def test_the_workbooks_sheet_is_named_in_the_teams_language(deps, tmp_path, language, title):
    from openpyxl import load_workbook

    deps = replace(deps, team=replace(deps.team, language=language))
    logged(deps)
    export_rows(SqlUnitOfWork(deps), tmp_path / "journal.xlsx")
    assert load_workbook(tmp_path / "journal.xlsx").sheetnames == [title]


def test_a_file_longer_than_a_batch_in_no_order_of_date_is_loaded_once_and_again_adds_nothing(deps, tmp_path):
    """Batches of 1,000 whose dates spread over the year (each stored row is read once per
    import, bench/README.md): a row repeated two batches later is said once, not added."""
    path = tmp_path / "journal.csv"
    start = deps.today() - timedelta(days=320)
    rows = [f"{start + timedelta(days=n * 7919 % 300):%d/%m/%Y} {n % 24:02d}:00;facebook;;Auteur {n};Honteux {n}"
            for n in range(2500)]  # fmt: skip
    path.write_text("\n".join(["date;réseau;lien;auteur;extrait", *rows, rows[3]]) + "\n", encoding="cp1252")
    assert import_rows(SqlUnitOfWork(deps), "import", path) == (2500, [], 1)
    assert import_rows(SqlUnitOfWork(deps), "import", path) == (0, [], 2501)
    assert len(stored(deps)) == 2500
