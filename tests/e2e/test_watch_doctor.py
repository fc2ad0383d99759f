"""`relais doctor` and `/healthz` with the watch's sources: one read, one down, then
back; each named with what to do."""

from __future__ import annotations

import asyncio
import json
import socket
from datetime import timedelta
from typing import Any

from bot import doctor
from bot.bootstrap import bootstrap
from bot.runner import health
from bot.web import health_of
from handlers.watch import collect
from tests.conftest import TestClock
from tests.e2e.conftest import slack_settings
from tests.unit.conftest import RecordingChat, done
from tests.unit.test_watch_health import answering, feed  # noqa: F401  (the fixture)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again: nothing listens there


def watch_lines(settings: Any) -> list[str]:
    said = [c.line() for c in doctor.run(settings) if c.line()[2:].startswith("watch:")]
    print("\n".join(said), end="\n\n")
    return said


def test_doctor_and_healthz_name_a_source_down_then_back(clean_engine, database_url, fake_slack, feed):  # noqa: F811
    dead = f"http://127.0.0.1:{closed_port()}/alerts.xml"
    settings = slack_settings(database_url, fake_slack.api_url).with_features(WATCH_FEEDS=(feed, dead),
                                                                              WATCH_BACKFILL_DAYS=3650)  # fmt: skip
    answering(200)
    assert watch_lines(settings) == [
        f"✓ watch: {feed} read",
        f"✗ watch: {dead}: feed unreachable (ConnectError) — check the address in WATCH_FEEDS: it should open an "
        "RSS or Atom feed",
    ]
    answering(503)
    assert watch_lines(settings)[0] == (f"✗ watch: {feed}: feed answered HTTP 503 — check the address in "
                                        "WATCH_FEEDS: it should open an RSS or Atom feed")  # fmt: skip

    clock = TestClock()
    core = bootstrap(settings, RecordingChat(), clock=clock)
    healthz = health_of(health(core))
    done(collect.poll_due, core.deps, core.deps.clock())
    body = json.loads(asyncio.run(healthz(None)).body)  # type: ignore[arg-type]
    assert body["watch_last_read_age_seconds"] == {feed: None, dead: None}  # never read yet
    answering(200)
    clock.advance(timedelta(minutes=13))  # past the back-off: twice the interval, +20 % at most
    done(collect.poll_due, core.deps, core.deps.clock())
    clock.advance(timedelta(seconds=30))
    body = json.loads(asyncio.run(healthz(None)).body)  # type: ignore[arg-type]
    print(json.dumps(body, indent=1))
    ages = body["watch_last_read_age_seconds"]
    assert ages[dead] is None and 30 <= ages[feed] < 60  # the test's clock runs on from where it was set
