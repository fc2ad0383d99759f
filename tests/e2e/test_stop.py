"""SIGTERM in the middle of a burst: `relais serve` stops taking requests, finishes
those in flight, its workers finish the rows in hand, and it exits within 10 s; after
a restart every acknowledged item is posted, once."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.conftest import without_settings
from tests.e2e.conftest import LEADER, QUEUE, SECRET, TOKEN, SlackClient
from tests.e2e.processes import RELAIS, Serve, free_port, own_database
from tests.fakes.slack_api import FakeSlack


def titles_posted(fake: FakeSlack) -> collections.Counter[str]:
    return collections.Counter(
        str(c.body.get("text", "")).removeprefix("News to review: ") for c in fake.calls
        if c.path == "/api/chat.postMessage" and not c.failed and c.body.get("channel") == QUEUE
    )  # fmt: skip


def stop_mid_burst(run: int, url: str, fake: FakeSlack, folder: Path) -> tuple[list[str], int, float]:
    """A burst of 80 /news, SIGTERM once 20 are acknowledged: (acknowledged, exit code, seconds to exit)."""
    server = Serve(url, fake.api_url, folder / f"serve{run}.log")
    client = SlackClient(base=server.base, fake=fake, core=None)  # type: ignore[arg-type]
    acked: list[str] = []
    lock, twenty = threading.Lock(), threading.Event()

    def send(i: int) -> None:
        title = f"Run {run} news {i:03d}"
        try:
            ok = client.command(LEADER, "/news", title).status_code == 200
        except httpx.HTTPError:
            ok = False  # refused once the server stops taking requests: never acknowledged
        if ok:
            with lock:
                acked.append(title)
                if len(acked) >= 20:
                    twenty.set()

    with ThreadPoolExecutor(8) as pool:
        pending = [pool.submit(send, i) for i in range(80)]
        assert twenty.wait(60)
        stopped_at = time.monotonic()
        server.process.terminate()  # SIGTERM
        code = server.process.wait(timeout=15)
        took = time.monotonic() - stopped_at
        for future in pending:
            future.result()
    server.stop()
    return acked, code, took


def test_sigterm_mid_burst_loses_nothing_and_posts_once(tmp_path, database_url, fake_slack):
    with own_database(database_url, tmp_path) as url:
        for run in range(2):  # twice: a stop is clean whatever it interrupts
            acked, code, took = stop_mid_burst(run, url, fake_slack, tmp_path)
            print(f"run {run}: {len(acked)} acknowledged, exit code {code} after {took:.1f} s")
            assert took < 10 and code == 0
            again = Serve(url, fake_slack.api_url, tmp_path / f"again{run}.log")
            try:
                fake_slack.wait_until(lambda _calls, done=acked: all(titles_posted(fake_slack)[t] for t in done), 60)
            finally:
                again.stop()
            posted = titles_posted(fake_slack)
            assert all(posted[t] == 1 for t in acked), {t: posted[t] for t in acked if posted[t] != 1}


def test_ctrl_c_while_relais_serve_starts_says_one_line_and_leaves_nothing_running(tmp_path, fake_slack):
    """Ctrl-C reaches every process of the group, here as the back migrates a new database
    (the front already holds the port): one line, exit code 1, no traceback, no process left."""
    database = tmp_path / "relais.db"  # a file appears as the back starts migrating it
    settings = {"RELAIS_PLATFORM": "slack", "DATABASE_URL": f"sqlite:///{database}", "RELAIS_LANGUAGE": "en",
                "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake_slack.api_url,
                "CM_QUEUE_CHANNEL": QUEUE}  # fmt: skip
    process = subprocess.Popen([RELAIS, "serve", "--port", str(free_port())], cwd=tmp_path,
                               env={**without_settings(), **settings}, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + 30
    while not database.exists() and process.poll() is None and time.monotonic() < deadline:
        pass  # a wait on the back's own step, not on the clock: the window lasts a few tenths of a second
    os.killpg(process.pid, signal.SIGINT)  # as a terminal sends Ctrl-C: to the whole group
    out, err = process.communicate(timeout=20)
    assert (process.returncode, err, out) == (1, "relais: stopped\n", "")
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)  # none of its processes is left
