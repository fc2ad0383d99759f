"""The weekly moderation recap: numbers, order, length, chart, exactly once, catch-up, DST."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from handlers.core import outbox, router
from handlers.core.tables import Outbox
from handlers.core.uow import SqlUnitOfWork
from handlers.moderation.entries import store
from handlers.recap import weekly as recap
from handlers.recap.data import bounds, last_week, parse_week
from tests.unit.conftest import as_user, text_of

PARIS = ZoneInfo("Europe/Paris")
WEEK = "2026-W47"  # Monday 16 to Sunday 22 November 2026


def at(day: int, hour: int = 12, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=PARIS)


def entry(deps, when, **values):  # type: ignore[no-untyped-def]
    base = {"network": "facebook", "excerpt": "Pas content", "severity": "low", "handling": "pending"}
    return store(SqlUnitOfWork(deps), "cm", {**base, **values}, when.astimezone(timezone.utc))


def test_weeks_are_iso_weeks_and_bounds_follow_daylight_saving():
    assert parse_week("2026-w47").isoformat() == "2026-11-16"
    for bad in ("2026-W54", "2026/47", "last week"):
        try:
            parse_week(bad)
        except ValueError:
            continue
        raise AssertionError(bad)
    start, end = bounds(parse_week("2026-W43"), PARIS)  # summer time ends on Sunday 25 October
    assert (start.isoformat(), end.isoformat()) == ("2026-10-18T22:00:00+00:00", "2026-10-25T23:00:00+00:00")
    assert end - start == timedelta(days=7, hours=1)
    assert last_week(datetime(2026, 11, 23, 8, tzinfo=timezone.utc), PARIS) == WEEK


def test_recap_counts_compares_and_lists_unhandled_first(deps):
    recap_topic = as_user("cm")[0]
    router.command(deps, recap_topic, "cm", "topics add Fusion: fusion")
    entry(deps, at(10), excerpt="semaine d'avant")
    entry(deps, at(16, 9), excerpt="réglé vite", handling="replied")
    entry(deps, at(17), excerpt="la fusion est une honte")
    entry(deps, at(18), network="instagram", excerpt="encore la fusion", handling="escalated")
    entry(deps, at(22, 23), network="instagram", excerpt="dimanche soir", handling="hidden")
    entry(deps, at(23, 0), excerpt="semaine d'après")
    data = recap.build_recap(SqlUnitOfWork(deps), WEEK)
    assert (data.total, data.previous) == (4, 1)
    assert data.by_network == [("facebook", 2), ("instagram", 2)]
    assert dict(data.by_handling) == {"pending": 1, "replied": 1, "escalated": 1, "hidden": 1}
    assert data.by_topic == [("Fusion", 2)]
    assert [r.excerpt for r in data.rows] == [
        "la fusion est une honte",
        "encore la fusion",
        "réglé vite",
        "dimanche soir",
    ]
    main, follow, as_csv = recap.messages(data, "en", at(23, 10))
    text = text_of(main)
    assert "Moderation recap — week 2026-W47 (16 Nov – 22 Nov 2026)" in text
    assert "Negative messages: 4 (+3 compared with the week before: 1)" in text
    assert "By network: Facebook 2 · Instagram 2" in text and "Sensitive topics: ⚠ Fusion 2" in text
    assert "Still to handle: 2" in text
    assert "⏳ pending for 5 days" in text and "⚠ Fusion" in text and "💬 replied by @cm" in text
    assert follow == [] and not as_csv


def test_a_long_week_goes_on_in_the_thread_then_in_a_csv(deps):
    for i in range(40):
        entry(deps, at(17) + timedelta(minutes=i), excerpt=f"message {i}")
    main, follow, as_csv = recap.messages(recap.build_recap(SqlUnitOfWork(deps), WEEK), "en", at(23))
    assert "Messages not listed above: 25, in the thread below." in text_of(main)
    assert [text_of(m).count("•") for m in follow] == [25]
    assert not as_csv
    for i in range(100):
        entry(deps, at(18) + timedelta(minutes=i), excerpt=f"autre {i}")
    main, follow, as_csv = recap.messages(recap.build_recap(SqlUnitOfWork(deps), WEEK), "en", at(23))
    assert "Messages not listed above: 125, in the attached CSV file." in text_of(main) and follow == [] and as_csv
    assert recap.csv_bytes(recap.build_recap(SqlUnitOfWork(deps), WEEK), "en").count(b"\n") == 141


def later(deps, minutes: int):  # type: ignore[no-untyped-def]
    """The same deps, with the clock moved forward: back-offs run out without rewinding rows."""
    moved = deps.clock() + timedelta(minutes=minutes)
    return replace(deps, clock=lambda: moved)


def test_posting_sends_text_then_thread_and_retries_only_a_failed_chart(deps, chat):
    for i in range(20):
        entry(deps, at(17) + timedelta(minutes=i))
    chat.uploads_fail = True
    assert recap.post_now(SqlUnitOfWork(deps), WEEK) == "posted"
    (channel, main, no_thread), (_c, rest, thread) = chat.posts  # the text first, then the rest in its thread
    assert channel == "C-TEAM" and "Negative messages: 20" in text_of(main) and no_thread is None
    assert thread is not None and thread.message_id == "m1" and "#" in text_of(rest)
    assert chat.uploads == [] and outbox.health(deps)["failing"] == 1
    chat.uploads_fail = False
    outbox.deliver(deps)  # the chart's back-off has not run out yet
    assert chat.uploads == []
    outbox.deliver(later(deps, 3))
    name, png = chat.uploads[0][1], chat.uploads[0][2]
    assert name == "moderation-2026-W47.png" and png.startswith(b"\x89PNG")
    outbox.deliver(later(deps, 60))
    assert len(chat.posts) == 2 and len(chat.uploads) == 1  # nothing sent twice


def test_the_week_is_posted_exactly_once(deps, chat):
    entry(deps, at(17))
    assert recap.post_now(SqlUnitOfWork(deps), WEEK) == "posted"
    assert recap.post_now(SqlUnitOfWork(deps), WEEK) == "already"
    outbox.deliver(later(deps, 120))
    assert len(chat.posts) == 1
    with deps.db() as s:
        row = s.scalar(select(Outbox).where(Outbox.dedupe_key == f"recap:{WEEK}"))
    assert row.kind == "recap.post" and row.delivered_at is not None


def test_a_failed_post_is_tried_again_after_its_back_off(deps, chat):
    entry(deps, at(17))
    chat.down = True
    assert recap.post_now(SqlUnitOfWork(deps), WEEK) == "owed"
    chat.down = False
    outbox.deliver(deps)
    assert chat.posts == []  # not due again yet
    outbox.deliver(later(deps, 3))
    assert len(chat.posts) == 1 and "2026-W47" in text_of(chat.posts[0][1])


def _recaps_owed(deps) -> list[str]:  # type: ignore[no-untyped-def]
    with deps.db() as s:
        return list(s.scalars(select(Outbox.dedupe_key).where(Outbox.kind == recap.RecapPost.kind)))


def test_the_recap_is_owed_only_when_relais_is_in_use(deps):
    monday_10 = at(23, 10).astimezone(timezone.utc)
    recap.due(SqlUnitOfWork(deps), monday_10)
    assert _recaps_owed(deps) == []  # new install, nothing logged: no empty recap
    entry(deps, at(17))
    recap.due(SqlUnitOfWork(deps), monday_10 - timedelta(days=7))
    assert _recaps_owed(deps) == []  # W46 ended before Relais was used
    recap.due(SqlUnitOfWork(deps), monday_10)
    assert _recaps_owed(deps) == ["recap:2026-W47"]


def test_recap_on_demand(deps):
    entry(deps, at(17))
    leader, reply = as_user("leader")
    router.command(deps, leader, "cm", f"recap {WEEK}")
    assert "Negative messages: 1" in reply.last
    router.command(deps, leader, "cm", "recap 2026-W99")
    assert "“2026-W99” is not a week" in reply.last
    router.command(deps, leader, "cm", "recap")
    assert "Moderation recap — week" in reply.last


def test_a_week_across_new_year_is_written_in_full_and_counts_grouped_in_french(deps):
    main, _follow, _csv = recap.messages(recap.build_recap(SqlUnitOfWork(deps), "2020-W01"), "fr", at(23, 10))
    assert "semaine 1 (30 déc. 2019 – 5 janv. 2020)" in main.title  # as French says a week
    data = replace(recap.build_recap(SqlUnitOfWork(deps), WEEK), total=3569, previous=1200)
    text = text_of(recap.messages(data, "fr", at(23, 10))[0])
    assert (
        "Messages négatifs\u202f: 3\u202f569 (+2\u202f369 par rapport à la semaine précédente\u202f: 1\u202f200)"
        in text
    )


def test_weeks_the_french_way_are_the_same_recap(deps):
    from handlers.recap.data import parse_week, week_said

    assert parse_week("2026-S49") == parse_week("2026-W49") == parse_week("2026-s49")
    assert week_said("2026-S49", "fr") == "semaine 49 (30 nov. – 6 déc. 2026)"
    assert week_said("2026-W49", "en") == "week 2026-W49 (30 Nov – 6 Dec 2026)"
    req, reply = as_user("cm")
    recap.show(SqlUnitOfWork(deps), req, "2026-S49")
    assert "week 2026-W49 (30 Nov – 6 Dec 2026)" in reply.replies[0].title
    recap.show(SqlUnitOfWork(deps), req, "2026-S60")
    assert "“2026-S60” is not a week" in reply.last
