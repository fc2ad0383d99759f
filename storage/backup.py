"""`relais backup FILE` and `relais restore FILE [--force]`.

SQLite: SQLite's online backup API copies the database page by page while Relais
keeps serving; the copy is consistent (a transaction committed during the copy
makes the copy start again from where it changed). A restore copies the backup
into the database the same way, then applies newer migrations. PostgreSQL:
`pg_dump` (custom format) and `pg_restore`, when they are installed; otherwise
the reason says how."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url

from storage.db import Folders, make_engine, migrate

IN_USE = ("news", "moderation_entries", "inbox", "outbox", "charters", "reminders")


class BackupError(Exception):
    """What went wrong, said to a person (the CLI translates the kind, keeps the detail)."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(kind)
        self.kind, self.detail = kind, detail


def backup(url: str, target: Path) -> int:
    """Returns the size of the copy in bytes."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        source = Path(parsed.database or "")
        if not source.is_file():
            raise BackupError("no_database", str(source))
        if not target.parent.is_dir():  # sqlite3 would say only "unable to open database file"
            raise FileNotFoundError(2, "no such folder", str(target.parent))
        target.unlink(missing_ok=True)
        with sqlite3.connect(source, timeout=30) as src, sqlite3.connect(target) as dst:
            src.backup(dst, pages=1024)  # a page run at a time: writers wait milliseconds, never the whole copy
        return target.stat().st_size
    tool = shutil.which("pg_dump")
    if tool is None:
        raise BackupError("no_pg_dump")
    run = subprocess.run([tool, "--format=custom", f"--file={target}", _libpq(url)], capture_output=True, text=True)
    if run.returncode:
        raise BackupError("tool_failed", _first_error(run.stderr))
    return target.stat().st_size


def restore(url: str, source: Path, *, force: bool, features: Folders = ()) -> None:
    if not source.is_file():
        raise BackupError("no_backup", str(source))
    parsed = make_url(url)
    sqlite, target = parsed.get_backend_name() == "sqlite", Path(parsed.database or "")
    new = sqlite and not target.exists()  # nothing to look into: opening it would create it
    if not new:
        engine = make_engine(url)
        try:
            if _in_use(engine) and not force:
                raise BackupError("in_use")
        finally:
            engine.dispose()
    if sqlite:
        try:
            _restore_sqlite(source, target)
        except BackupError:
            if new:  # a refused file leaves no empty database behind
                target.unlink(missing_ok=True)
            raise
    else:
        tool = shutil.which("pg_restore")
        if tool is None:
            raise BackupError("no_pg_restore")
        run = subprocess.run([tool, "--clean", "--if-exists", "--no-owner", f"--dbname={_libpq(url)}", str(source)],
                             capture_output=True, text=True)  # fmt: skip
        if run.returncode:
            raise BackupError("tool_failed", _first_error(run.stderr))
    engine = make_engine(url)
    try:
        migrate(engine, features)  # a backup from an older Relais is brought up to date, every feature's tables too
    finally:
        engine.dispose()


def _restore_sqlite(source: Path, target: Path) -> None:
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src:
            tables = {r[0] for r in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "alembic_version" not in tables:
                raise BackupError("not_a_backup", str(source))
            with sqlite3.connect(target, timeout=30) as dst:
                src.backup(dst)
    except sqlite3.DatabaseError:  # "file is not a database": the file is what the person must hear of
        raise BackupError("not_a_backup", str(source)) from None


def _first_error(said: str) -> str:
    """pg_dump and pg_restore put the cause on their first `error:` line, a hint on the next."""
    lines = [line.strip() for line in said.strip().splitlines() if line.strip()]
    errors = [line.partition("error:")[2].strip() for line in lines if "error:" in line]
    return errors[0] if errors else (lines[0] if lines else "")


def _in_use(engine: Engine) -> bool:
    """Whether the database holds anything Relais stored (an empty one, or one with only
    its schema, may be restored into)."""
    tables = set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        return any(conn.execute(text(f'SELECT 1 FROM "{t}" LIMIT 1')).first() for t in IN_USE if t in tables)


def _libpq(url: str) -> str:
    """The address as pg_dump reads it (without SQLAlchemy's driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
