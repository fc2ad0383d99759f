"""`relais serve` as separate processes, as they run in production: for the tests
that kill one with SIGKILL or run two on one database."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import ROOT, without_settings
from tests.e2e.conftest import ADMIN, CM, QUEUE, SECRET, TEAM, TOKEN


@contextmanager
def own_database(shared_url: str, folder: Path) -> Iterator[str]:
    """A database for this test alone: a new PostgreSQL database (dropped after), or a SQLite file."""
    url = make_url(shared_url)
    if url.get_backend_name() != "postgresql":
        yield f"sqlite:///{folder / 'relais.db'}"
        return
    name = f"relais_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


RELAIS = str(Path(sys.executable).with_name("relais"))  # the script systemd and the image run


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Serve:
    """One `relais serve` process on Slack, pointed at a fake Slack."""

    def __init__(self, database_url: str, api_url: str, log: Path, **env: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        clean = without_settings()  # this test's settings only; the run's clock is kept: both sides sign alike
        settings = {
            "RELAIS_PLATFORM": "slack", "DATABASE_URL": database_url, "RELAIS_LANGUAGE": "en",
            "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": api_url,
            "CM_QUEUE_CHANNEL": QUEUE, "TEAM_CHANNEL": TEAM, "CM_USERS": CM, "ADMIN_USERS": ADMIN,
            "RELAIS_TICK_SECONDS": "1", "RELAIS_HTTP_TIMEOUT": "3", **env,
        }  # fmt: skip
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            [RELAIS, "serve", "--port", str(self.port)],
            cwd=ROOT, env={**clean, **settings}, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while not self._healthy():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()  # never left running behind a failed test
                said = log.read_text(encoding="utf-8", errors="replace")[-3000:]
                raise AssertionError(f"relais serve did not start (exit {self.process.returncode}); it said:\n{said}")
            time.sleep(0.1)

    def _healthy(self) -> bool:
        try:
            return httpx.get(self.base + "/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()
