"""Real `relais serve` processes: two on one PostgreSQL database do each thing once;
one killed with SIGKILL mid-burst loses nothing it acknowledged."""

from __future__ import annotations

import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import create_engine, select

from bot.bootstrap import bootstrap
from bot.config import Settings
from handlers.core.uow import SqlUnitOfWork
from handlers.moderation.entries import store
from handlers.news.tables import News
from handlers.recap.data import last_week, parse_week
from tests.conftest import TestClock
from tests.e2e.conftest import CM, LEADER, QUEUE, TEAM, SlackClient, blocks_text
from tests.e2e.processes import Serve, own_database
from tests.fakes.http_server import Failure
from tests.fakes.slack_api import FakeSlack

PARIS = ZoneInfo("Europe/Paris")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def posted(fake: FakeSlack, channel: str, whole: bool = False) -> list[str]:
    """Texts the fake accepted in a channel (top-level posts only); `whole`: with their blocks."""
    return [
        blocks_text(c.body) if whole else str(c.body.get("text", ""))
        for c in fake.calls
        if c.path == "/api/chat.postMessage" and not c.failed and c.body.get("channel") == channel
        and "thread_ts" not in c.body
    ]  # fmt: skip


def send(client: SlackClient, title: str) -> bool:
    """One /news; True when Relais acknowledged it with a 200."""
    try:
        return client.command(LEADER, "/news", title).status_code == 200
    except httpx.HTTPError:
        return False


def prepare(url: str, api_url: str) -> datetime:
    """The schema, and one negative message logged last week: Relais is in use, a recap is owed."""
    settings = Settings(platform="slack", database_url=url, language="en", cm_queue_channel=QUEUE, team_channel=TEAM)
    core = bootstrap(settings, chat=None, clock=TestClock())  # type: ignore[arg-type]
    now = core.deps.clock()
    week = last_week(now, PARIS)
    seen = datetime.combine(parse_week(week), datetime.min.time(), PARIS) + timedelta(days=2)
    store(
        SqlUnitOfWork(core.deps),
        CM,
        {"network": "facebook", "excerpt": "Bof", "handling": "pending"},
        seen.astimezone(timezone.utc),
    )
    core.engine.dispose()
    return now


def next_slot(now: datetime) -> str:
    """RECAP_SCHEDULE for the next local minute at least 15 s away: the slot passes during the test."""
    slot = (now.astimezone(PARIS) + timedelta(seconds=75)).replace(second=0, microsecond=0)
    return f"{DAYS[slot.weekday()]} {slot.hour} {slot.minute}"


def test_two_instances_on_one_postgresql_do_each_thing_once(database_url: str, tmp_path: Path) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("two instances share a PostgreSQL database")
    fake = FakeSlack()
    fake.fail_now_and_then(
        fake.api("chat.postMessage"), Failure(500, {"ok": False, "error": "internal_error"}), every=40
    )
    with own_database(database_url, tmp_path) as url:
        schedule = next_slot(prepare(url, fake.api_url))
        a = Serve(url, fake.api_url, tmp_path / "a.log", RECAP_SCHEDULE=schedule)
        b = Serve(url, fake.api_url, tmp_path / "b.log", RECAP_SCHEDULE=schedule)
        try:
            clients = [SlackClient(base=s.base, fake=fake, core=None) for s in (a, b)]  # type: ignore[arg-type]
            titles = [f"News {i:03d}" for i in range(1, 201)]
            with ThreadPoolExecutor(20) as pool:
                acked = list(pool.map(lambda i: send(clients[i % 2], titles[i]), range(200)))
            assert all(acked)
            fake.wait_until(lambda calls: len(set(posted(fake, QUEUE))) >= 200, timeout=120)
            for news_id in range(1, 21):  # the CM approves 20 items, clicking on both instances
                for client in clients:
                    assert client.click(CM, "news.approve", str(news_id), "1").status_code == 200
            fake.wait_until(lambda calls: len(posted(fake, "DULEADER")) >= 20, timeout=120)
            fake.wait_until(lambda calls: len(posted(fake, TEAM)) >= 1, timeout=150)
            with create_engine(url).connect() as conn:  # let every tick run once more
                conn.execute(select(1))
            a_health = httpx.get(a.base + "/healthz", timeout=5).json()
        finally:
            a.stop()
            b.stop()
    queue = Counter(t.removeprefix("News to review: ") for t in posted(fake, QUEUE))
    dms = Counter(posted(fake, "DULEADER", whole=True))
    failed = sum(c.failed for c in fake.calls)
    print(json.dumps({"news posted": len(queue), "posted twice": [t for t, n in queue.items() if n > 1],
                      "DMs": sum(dms.values()), "recaps": len(posted(fake, TEAM)),
                      "failed platform calls": failed, "healthz": a_health}))  # fmt: skip
    assert sorted(queue) == titles and set(queue.values()) == {1}
    status_dms = [t for t in dms if "News about your submission" in t]
    assert len(status_dms) == 20 and set(dms.values()) == {1}  # plus one "has now reached the CM" per late post
    assert len(posted(fake, TEAM)) == 1
    assert failed > 0  # the platform did fail now and then
    fake.close()


def test_a_sigkill_mid_burst_loses_nothing_acknowledged(database_url: str, tmp_path: Path) -> None:
    fake = FakeSlack()
    with own_database(database_url, tmp_path) as url:
        serve = Serve(url, fake.api_url, tmp_path / "serve.log")
        client = SlackClient(base=serve.base, fake=fake, core=None)  # type: ignore[arg-type]
        titles = [f"Burst {i:02d}" for i in range(1, 41)]
        acked: list[str] = []

        def one(title: str) -> None:
            if send(client, title):
                acked.append(title)
                if len(acked) == 25:
                    serve.kill()  # mid-burst: some acknowledged, some being processed, some never sent

        with ThreadPoolExecutor(10) as pool:
            list(pool.map(one, titles))
        if serve.process.poll() is None:
            serve.kill()
        engine = create_engine(url)
        with engine.connect() as conn:
            stored_at_kill = set(conn.scalars(select(News.title)))
        restarted = Serve(url, fake.api_url, tmp_path / "serve.log")
        try:
            fake.wait_until(lambda calls: set(acked) <= {t.removeprefix("News to review: ") for t in posted(fake, QUEUE)},
                            timeout=120)  # fmt: skip
            with engine.connect() as conn:
                stored = Counter(conn.scalars(select(News.title)))
        finally:
            restarted.stop()
            engine.dispose()
    queue = Counter(t.removeprefix("News to review: ") for t in posted(fake, QUEUE))
    print(json.dumps({"acknowledged": len(acked), "stored before the kill": len(stored_at_kill & set(acked)),
                      "stored": len(stored), "posted": len(queue),
                      "posted twice": [t for t, n in queue.items() if n > 1]}))  # fmt: skip
    assert set(acked) <= set(stored) and all(stored[t] == 1 for t in acked)
    assert set(acked) <= set(queue)
    fake.close()
