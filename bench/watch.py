"""How long the watch takes to collect a post's 1,000 new replies in one round, its peak
memory and the chat messages it sends, against a baseline measured in the same run: the
same API pages fetched with httpx and their items inserted with one `executemany` (the
least any collector that keeps every item must do). Then what an idle source costs.

The replies come from a fake Mastodon speaking its documented paging (80 a page asked, oldest
page first with `min_id`); the cards go to a fake Slack, which counts the messages. Each
measure runs in a process of its own, on a fresh SQLite database, so peak memory is that
work's alone (plus the imports).

    python bench/watch.py [--replies 1000]
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
NOW = datetime(2026, 12, 7, 10, tzinfo=UTC)


def _fake_with_post() -> tuple[Any, str]:
    """The association's post, and an earlier one already answered: the connecting round
    shows that answer's card, so the timed round runs in a process that has shown a card
    (its catalog, date formats and tone lexicon loaded, as in a running `relais serve`)."""
    from tests.fakes.mastodon_api import FakeMastodon

    fake = FakeMastodon()
    earlier = fake.post("Assemblée générale jeudi : l’ordre du jour est en ligne", NOW - timedelta(hours=5))
    fake.replies(earlier["id"], 1, NOW - timedelta(hours=4))
    post = fake.post("Vide-grenier dimanche : inscriptions ouvertes !", NOW - timedelta(hours=2))
    return fake, post["id"]


def _relais(fake: Any, post: str, replies: int, folder: Path) -> dict[str, float]:
    """Connect the source, let the replies arrive, time the round that collects them."""
    from slack_sdk import WebClient
    from sqlalchemy import func, select

    from bot.platforms.slack_chat import SlackChat
    from handlers.core.context import Team
    from handlers.core.deps import Deps
    from handlers.core.uow import SqlUnitOfWork
    from handlers.features import registry
    from handlers.watch import collect
    from handlers.watch.tables import WatchItem
    from storage.db import make_engine, make_sessions, migrate
    from tests.fakes.mastodon_api import TOKEN
    from tests.fakes.slack_api import FakeSlack

    features = registry()
    engine = make_engine(f"sqlite:///{folder / 'relais.db'}")
    migrate(engine, features.migrations)
    slack = FakeSlack()
    clock = [NOW]
    settings = {"MASTODON_URL": fake.base, "MASTODON_ACCESS_TOKEN": TOKEN}
    team = Team(queue_channel="CQUEUE", team_channel="CTEAM", language="fr", cm_users=frozenset({"UCM"}),
                admin_users=frozenset({"UADMIN"}), settings=settings)  # fmt: skip
    deps = Deps(db=make_sessions(engine, lambda: clock[0]), chat=SlackChat(WebClient(base_url=slack.api_url)),
                team=team, features=features, clock=lambda: clock[0])  # fmt: skip

    def round_() -> int:
        uow = SqlUnitOfWork(deps)
        collect.poll_due(uow, clock[0])
        uow.deliver()
        return len(slack.calls)

    shown = round_()  # connected: the earlier answer's card shown, the cursor set
    fake.replies(post, replies, NOW - timedelta(minutes=30))
    clock[0] += timedelta(seconds=300)
    with deps.db() as s:
        earlier = s.scalar(select(func.count()).select_from(WatchItem)) or 0
    before = len(fake.requests)
    started = time.perf_counter()
    messages = round_() - shown
    elapsed = time.perf_counter() - started
    pages = len(fake.requests) - before
    idle_from = len(fake.requests)
    for _ in range(15):  # a quarter of an hour at a tick a minute, nothing new
        clock[0] += timedelta(seconds=60)
        round_()
    idle_requests = len(fake.requests) - idle_from
    with deps.db() as s:
        stored = (s.scalar(select(func.count()).select_from(WatchItem)) or 0) - earlier
    return {"seconds": elapsed, "messages": messages, "requests": pages, "stored": stored,
            "idle_requests": idle_requests}  # fmt: skip


def _baseline(fake: Any, post: str, replies: int, folder: Path) -> dict[str, float]:
    """The same pages fetched, their items kept with one executemany: nothing else."""
    import httpx

    from handlers.watch.mastodon import LIMIT
    from tests.fakes.mastodon_api import TOKEN

    db = sqlite3.connect(folder / "baseline.db")
    db.execute("CREATE TABLE items (key TEXT UNIQUE, author TEXT, name TEXT, text TEXT, link TEXT, posted_at TEXT)")
    cursor = fake.notifications[-1]["id"] if fake.notifications else "0"
    fake.replies(post, replies, NOW - timedelta(minutes=30))
    client = httpx.Client(base_url=fake.base, headers={"Authorization": f"Bearer {TOKEN}"})
    before = len(fake.requests)
    started = time.perf_counter()
    rows: list[tuple[str, ...]] = []
    while True:
        page = client.get(
            "/api/v1/notifications", params={"types[]": "mention", "limit": LIMIT, "min_id": cursor}
        ).json()
        if not page:
            break
        rows += [(n["id"], n["account"]["acct"], n["account"]["display_name"], n["status"]["content"],
                  n["status"]["url"], n["status"]["created_at"]) for n in page]  # fmt: skip
        cursor = page[0]["id"]
    with db:
        db.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?, ?)", rows)
    elapsed = time.perf_counter() - started
    return {"seconds": elapsed, "messages": 0, "requests": len(fake.requests) - before, "stored": len(rows),
            "idle_requests": 0}  # fmt: skip


def measure(mode: str, replies: int) -> dict[str, float]:
    """In its own process: the imports counted once, the work's peak on top."""
    from tests.fakes.mastodon_api import serving

    fake, post = _fake_with_post()
    with tempfile.TemporaryDirectory() as folder, serving(fake):
        result = (_relais if mode == "relais" else _baseline)(fake, post, replies, Path(folder))
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replies", type=int, default=1000)
    parser.add_argument("--measure", metavar="MODE")
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.replies)))
        return
    results: dict[str, list[dict[str, float]]] = {"baseline": [], "relais": []}
    for _ in range(3):  # alternated, so a slow minute of this machine hits both
        for mode in results:
            out = subprocess.run([sys.executable, __file__, "--measure", mode, "--replies", str(args.replies)],
                                 capture_output=True, text=True, check=True, cwd=ROOT).stdout  # fmt: skip
            results[mode].append(json.loads(out))
    for mode, runs in results.items():
        r = runs[-1]
        print(f"{mode:<9} {statistics.median(x['seconds'] for x in runs):6.3f} s (median of 3)"
              f"   peak RSS {max(x['peak_mb'] for x in runs):6.1f} MB   {r['requests']:.0f} page requests"
              f"   {r['stored']:.0f} stored   {r['messages']:.0f} chat messages")  # fmt: skip
    base, ours = (statistics.median(x["seconds"] for x in results[m]) for m in ("baseline", "relais"))
    relais = results["relais"][-1]
    peak = max(x["peak_mb"] for x in results["relais"])
    print(f"idle: {relais['idle_requests']:.0f} requests in 15 minutes of ticks a minute apart, "
          "WATCH_INTERVAL_SECONDS=300 (target: one per interval, 3)")  # fmt: skip
    met = ours / base <= 1.5 and relais["messages"] <= 10 and peak <= 150 and relais["idle_requests"] == 3
    print(f"ratio {ours / base:.2f} x (target ≤ 1.5 x), {relais['messages']:.0f} chat messages (≤ 10), "
          f"peak {peak:.0f} MB (≤ 150) -> {'met' if met else 'MISSED'}")  # fmt: skip


if __name__ == "__main__":
    main()
