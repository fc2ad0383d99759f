"""A source that fails: each failed round waits longer (never less than `Retry-After`),
the CM hears it once after an hour and once when it is back, and the outage is kept for
the recap. An alert feed served here answers what each step needs; a fake PDS answers
Bluesky's 429."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select

from handlers.core import router
from handlers.core.uow import SqlUnitOfWork
from handlers.recap import weekly
from handlers.recap.data import week_of
from handlers.watch import collect
from handlers.watch.tables import WatchItem, WatchOutage, WatchSource
from tests.fakes.bluesky_pds import HANDLE, PASSWORD, FakePds, serving
from tests.unit.conftest import as_user, done, text_of
from tests.unit.test_watch import ATOM, watching


class Answers(BaseHTTPRequestHandler):
    status: int = 200
    headers_out: dict[str, str] = {}
    asked = 0

    def do_GET(self) -> None:
        Answers.asked += 1
        body = ATOM.encode() if Answers.status == 200 else b"busy"
        self.send_response(Answers.status)
        for name, value in {**Answers.headers_out, "Content-Length": str(len(body))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def feed() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/alerts.xml"
    server.shutdown()


def answering(status: int, **headers: str) -> None:
    Answers.status, Answers.headers_out = status, headers


def test_a_failing_source_backs_off_is_told_once_and_its_outage_is_kept(deps, chat, feed):
    d = watching(deps, WATCH_FEEDS=(feed,), WATCH_INTERVAL_SECONDS=60)
    start, name = d.clock(), f"feed:{feed}"

    def at(minutes: float) -> Any:
        moved = replace(d, clock=lambda: start + timedelta(minutes=minutes))
        done(collect.poll_due, moved, moved.clock())

    def source() -> WatchSource:
        with d.db() as s:
            found = s.get(WatchSource, name)
            assert found is not None
            return found

    answering(503)
    at(0)
    asked = Answers.asked
    at(1)  # backing off: the doubled interval (about two minutes) has not passed
    assert Answers.asked == asked and source().failures == 1
    at(3)
    answering(429, **{"Retry-After": "3600"})
    at(8)
    assert source().retry_at >= start + timedelta(minutes=8, hours=1)  # the network asked for an hour
    at(30)
    assert Answers.asked == asked + 2 and chat.posts == []  # not told yet: under an hour
    answering(503)
    at(69)
    (told,) = [text_of(m) for _c, m, _t in chat.posts]
    assert told.startswith(f"⚠️ {feed} has failed since ") and "(feed answered HTTP 503)" in told
    at(140)
    assert len(chat.posts) == 1  # told once

    answering(200)
    at(300)
    said = [text_of(m) for _c, m, _t in chat.posts]
    assert sum(t.startswith(f"✅ {feed} is read again (it failed since ") for t in said) == 1
    with d.db() as s:
        (outage,) = s.scalars(select(WatchOutage)).all()
    assert (outage.started_at, outage.ended_at) == (start, start + timedelta(minutes=300))
    assert source().failures == 0 and source().retry_at is None

    # the week's recap counts what was collected, what the CM marked, and names the outage
    with d.db() as s:
        (item,) = s.scalars(select(WatchItem)).all()
    cm, _said = as_user("cm")
    router.action(replace(d, clock=lambda: start + timedelta(minutes=301)), cm, "watch.negative", str(item.id))
    week = week_of((start + timedelta(minutes=301)).astimezone(d.team.timezone).date())
    uow = SqlUnitOfWork(replace(d, clock=lambda: start + timedelta(days=8)))
    recap = weekly.build_recap(uow, week)
    said = {lang: text_of(weekly.messages(recap, lang, uow.clock())[0]) for lang in ("fr", "en")}
    print("\n" + said["fr"] + "\n\n" + said["en"])
    assert "Watch: Alerts 1 collected; marked negative 1, of which handled 0; still to triage 0" in said["en"]
    assert (
        "Veille\u202f: Alertes 1 recueillis\u202f; marqués négatifs 1, dont traités 0\u202f; restent à trier 0"
        in said["fr"]
    )
    assert f"⚠️ {feed} unreachable from " in said["en"] and ": messages of that time may be missing." in said["en"]


def test_a_bluesky_429_waits_as_the_pds_says_is_told_once_and_loses_nothing(deps, chat):
    """The PDS's 429 as `@atproto/xrpc-server` writes it (a fake: dev-env does not rate-limit)."""
    with serving(FakePds(clock=deps.clock)) as pds:
        d = watching(deps, BLUESKY_SERVICE=pds.base, BLUESKY_HANDLE=HANDLE, BLUESKY_APP_PASSWORD=PASSWORD)
        pds.throttled_until = d.clock().replace(microsecond=0) + timedelta(minutes=14)
        pds.mention("claire.test", "@asso.test merci pour la brocante !", d.clock())
        done(collect.poll_due, d, d.clock())
        with d.db() as s:
            source = s.get(WatchSource, "bluesky")
            assert s.scalars(select(WatchItem)).all() == []
        assert source is not None and source.limited and source.retry_at is not None
        assert source.retry_at >= pds.throttled_until  # the PDS's wait, not the back-off's few minutes
        [(_channel, told, _thread)] = chat.posts
        assert text_of(told).startswith("⏸️ Bluesky asks to wait (HTTP 429): Relais reads Bluesky again from ")

        pds.requests.clear()
        d.clock.advance(timedelta(minutes=8))
        done(collect.poll_due, d, d.clock())
        assert pds.requests == [] and len(chat.posts) == 1  # not asked before its reset, told once
        d.clock.advance(timedelta(minutes=8))
        done(collect.poll_due, d, d.clock())
        with d.db() as s:
            [item] = s.scalars(select(WatchItem)).all()
        assert item.text == "@asso.test merci pour la brocante !"  # the mention of the wait, read once it is over
        assert text_of(chat.posts[1][1]).startswith("✅ Bluesky is read again")
