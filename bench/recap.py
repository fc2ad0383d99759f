"""How long the weekly moderation recap takes (text + chart) on a large log, and
its peak memory, against a baseline measured in the same run: a process that
only reads the week's rows with one plain SELECT (the least any recap listing
every entry must do).

The database holds 1,000,000 moderation entries over ~2 years, 10,000 of them
in the measured week, 5% touching a sensitive topic. It is filled once and
kept in bench/out/ (SQLite) or in DATABASE_URL's database when that is set.

    python bench/recap.py [--entries 1000000] [--week-entries 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
import tracemalloc
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
WEEK = "2026-W47"
NETWORKS = ["facebook", "instagram", "x", "linkedin", "youtube", "tiktok", "website", "other"]
HANDLINGS = ["pending", "replied", "hidden", "deleted", "escalated", "ignored"]


def fill(url: str, total: int, in_week: int) -> None:
    from sqlalchemy import func, insert, select

    from handlers.moderation.tables import EntryTopic, ModerationEntry
    from storage.db import make_engine, migrate

    engine = make_engine(url)
    migrate(engine)
    with engine.connect() as conn:
        if conn.scalar(select(func.count()).select_from(ModerationEntry)) == total:
            return
    print(f"filling {url} with {total:,} entries…", flush=True)
    started = time.perf_counter()
    rng = random.Random(47)
    week_start = datetime(2026, 11, 15, 23, tzinfo=timezone.utc)  # Monday 16 November, 00:00 in Paris
    with engine.begin() as conn:
        conn.execute(ModerationEntry.__table__.delete())
        batch: list[dict[str, object]] = []
        topics: list[dict[str, object]] = []
        for i in range(1, total + 1):
            if i <= in_week:
                seen = week_start + timedelta(seconds=rng.randrange(7 * 86400))
            else:  # the rest over the two years before that week
                seen = week_start - timedelta(seconds=rng.randrange(1, 730 * 86400))
            batch.append(
                {
                    "id": i,
                    "network": rng.choice(NETWORKS),
                    "excerpt": f"Message négatif numéro {i}, assez long pour ressembler à un vrai commentaire.",
                    "severity": "low",
                    "handling": rng.choice(HANDLINGS),
                    "reason": "",
                    "note": "",
                    "logged_by": "UCM",
                    "handled_by": "UCM",
                    "seen_at": seen,
                    "author": f"Auteur {i % 5000}",
                    "link": None,
                }
            )
            if i % 20 == 0:
                topics.append({"entry_id": i, "topic": rng.choice(["Fusion des antennes", "Budget", "Élections"])})
            if len(batch) == 50_000:
                conn.execute(insert(ModerationEntry), batch)
                conn.execute(insert(EntryTopic), topics)
                batch, topics = [], []
        if batch:
            conn.execute(insert(ModerationEntry), batch)
            conn.execute(insert(EntryTopic), topics)
    print(f"filled in {time.perf_counter() - started:.0f} s", flush=True)


def measure(url: str, mode: str, trace: bool) -> dict[str, float]:
    """Runs in its own process, so peak memory is this work's alone (plus the imports)."""
    from zoneinfo import ZoneInfo

    from sqlalchemy import select

    from handlers.moderation.tables import ModerationEntry
    from handlers.recap.chart import chart_png
    from handlers.recap.data import bounds, build, parse_week
    from handlers.recap.weekly import messages
    from storage.db import make_engine, make_sessions

    tz = ZoneInfo("Europe/Paris")
    sessions = make_sessions(make_engine(url), lambda: datetime(2026, 11, 23, 9, tzinfo=tz))
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if trace:  # tracing slows the work: it is timed in runs without it
        tracemalloc.start()
    started = time.perf_counter()
    with sessions() as s:
        if mode == "baseline":
            start, end = bounds(parse_week(WEEK), tz)
            columns = (
                ModerationEntry.id,
                ModerationEntry.network,
                ModerationEntry.excerpt,
                ModerationEntry.handling,
                ModerationEntry.handled_by,
                ModerationEntry.seen_at,
            )
            rows = s.execute(
                select(*columns).where(ModerationEntry.seen_at >= start, ModerationEntry.seen_at < end)
            ).all()
            count = len(rows)
        else:
            recap = build(s, WEEK, tz)
            main, follow, as_csv = messages(recap, "fr", datetime(2026, 11, 23, 9, tzinfo=tz))
            png = chart_png(recap, "fr")
            count = recap.total
            assert as_csv and png.startswith(b"\x89PNG")
    elapsed = time.perf_counter() - started
    work_peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else 0.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": elapsed, "peak_mb": peak, "import_mb": rss_before, "work_mb": work_peak, "entries": count}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--week-entries", type=int, default=10_000)
    parser.add_argument("--measure", nargs=3, metavar=("URL", "MODE", "TRACE"))
    args = parser.parse_args()
    if args.measure:
        url_, mode_, trace_ = args.measure
        print(json.dumps(measure(url_, mode_, trace_ == "trace")))
        return
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{out / 'recap.db'}"
    fill(url, args.entries, args.week_entries)
    results = {}
    for mode in ("baseline", "recap"):

        def run(trace: str, mode: str = mode) -> dict[str, float]:
            return json.loads(
                subprocess.run(
                    [sys.executable, __file__, "--measure", url, mode, trace],
                    capture_output=True,
                    text=True,
                    check=True,
                    cwd=ROOT,
                ).stdout
            )

        best = min((run("time") for _ in range(3)), key=lambda r: r["seconds"])
        best["work_mb"] = run("trace")["work_mb"]
        results[mode] = best
        print(
            f"{mode:<9} {best['seconds']:6.2f} s   peak RSS {best['peak_mb']:6.1f} MB (after imports {best['import_mb']:5.1f} MB)"
            f"   Python allocations at peak {best['work_mb']:5.1f} MB   entries in week {best['entries']:,}   best of 3"
        )
    base, ours = results["baseline"], results["recap"]
    print(
        f"ratio     {ours['seconds'] / base['seconds']:6.2f} x  peak RSS {ours['peak_mb'] / base['peak_mb']:6.2f} x"
        f"   allocations {ours['work_mb'] / base['work_mb']:6.2f} x"
    )
    print(
        f"target: < 2 s and < 250 MB on {os.cpu_count()} cores -> "
        f"{'met' if ours['seconds'] < 2 and ours['peak_mb'] < 250 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
