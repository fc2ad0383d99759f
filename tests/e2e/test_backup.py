"""`relais backup` while `relais serve` takes a burst of news, then `relais restore`
elsewhere: every item acknowledged before the backup started is in the copy."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from sqlalchemy import create_engine, select

from handlers.core.tables import Inbox
from handlers.news.tables import News
from tests.conftest import ROOT
from tests.e2e.conftest import LEADER, SlackClient
from tests.e2e.processes import Serve


def relais(args: list[str], database: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "RELAIS_LANGUAGE": "en", "RELAIS_PLATFORM": "console"}
    return subprocess.run([sys.executable, "-m", "bot", *args, *extra], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)  # fmt: skip


def test_a_backup_during_a_burst_restores_every_item_stored_before_it(tmp_path, fake_slack):
    live, copy, restored = tmp_path / "live" / "relais.db", tmp_path / "backup.db", tmp_path / "other" / "relais.db"
    live.parent.mkdir()
    restored.parent.mkdir()
    server = Serve(f"sqlite:///{live}", fake_slack.api_url, tmp_path / "serve.log")
    try:
        client = SlackClient(base=server.base, fake=fake_slack, core=None)  # type: ignore[arg-type]
        acked_at: dict[str, float] = {}
        lock, forty = threading.Lock(), threading.Event()

        def send(i: int) -> None:
            title = f"Burst {i:03d}"
            try:
                ok = client.command(LEADER, "/news", title).status_code == 200
            except httpx.HTTPError:
                ok = False
            if ok:
                with lock:
                    acked_at[title] = time.monotonic()
                    if len(acked_at) >= 40:
                        forty.set()

        with ThreadPoolExecutor(8) as pool:
            pending = [pool.submit(send, i) for i in range(120)]
            assert forty.wait(60)  # the backup starts in the middle of the burst
            started = time.monotonic()
            made = relais(["backup", str(copy)], live)
            for future in pending:
                future.result()
    finally:
        server.stop()
    assert made.returncode == 0, made.stderr
    print(made.stdout.strip())
    before = {t for t, at in acked_at.items() if at < started}
    loaded = relais(["restore", str(copy)], restored)
    assert loaded.returncode == 0 and "restored" in loaded.stdout, loaded.stderr
    with create_engine(f"sqlite:///{restored}").connect() as conn:
        titles = set(conn.execute(select(News.title)).scalars())
        waiting = {str(p.get("text", "")) for p in conn.execute(select(Inbox.payload)).scalars()}
    missing = before - titles - waiting
    print(f"acked before the backup: {len(before)}, in the restored copy: {len(before) - len(missing)} "
          f"({len(titles)} news, the rest still in its inbox)")  # fmt: skip
    assert len(before) >= 40 and not missing
    again = relais(["restore", str(copy)], restored)  # the database now holds data: refused without --force
    assert again.returncode == 2 and "already holds data" in again.stderr
    assert relais(["restore", str(copy)], restored, "--force").returncode == 0
    nothing = relais(["restore", str(tmp_path / "nope.db")], tmp_path / "third.db")
    assert nothing.returncode == 2 and "no such backup file" in nothing.stderr


def test_on_postgresql_backup_and_restore_use_its_own_tools(tmp_path, database_url):
    """pg_dump and pg_restore, when installed; a database holding data is replaced only with --force."""
    import shutil

    import pytest
    from sqlalchemy import text

    from storage.backup import BackupError, backup, restore
    from storage.db import make_engine, migrate
    from tests.e2e.processes import own_database

    if not database_url.startswith("postgresql") or not shutil.which("pg_dump"):
        pytest.skip("PostgreSQL and its client tools")
    with own_database(database_url, tmp_path) as source, own_database(database_url, tmp_path) as target:
        engine = make_engine(source)
        migrate(engine)
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO news (author_id, title, body, category, links, status, created_at) "
                              "VALUES ('U1', 'Loto', '', 'other', '', 'new', now())"))  # fmt: skip
        engine.dispose()
        assert backup(source, tmp_path / "pg.dump") > 0
        restore(target, tmp_path / "pg.dump", force=False)
        with pytest.raises(BackupError) as refused:
            restore(target, tmp_path / "pg.dump", force=False)
        assert refused.value.kind == "in_use"
        restored = make_engine(target)
        with restored.connect() as conn:
            assert conn.execute(text("SELECT title FROM news")).scalars().all() == ["Loto"]
        restored.dispose()
