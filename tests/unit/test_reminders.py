"""Reminders: when they go out (local time, daylight saving, public holidays), to whom
(the CM, or the admins while the CM is away), and once."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from bot.bootstrap import Core
from bot.config import Settings
from bot.scheduler import Ticker
from handlers.core import router, schedule
from handlers.core.deps import Deps
from handlers.core.tables import Outbox
from handlers.core.uow import SqlUnitOfWork
from handlers.news.tables import News, NewsEvent
from handlers.reminders import rhythm as reminder_rhythm
from handlers.reminders.tables import Reminder
from tests.unit.conftest import NO_SCHEDULES, RecordingChat, as_user, text_of

ROOT = Path(__file__).resolve().parents[2]
PARIS = ZoneInfo("Europe/Paris")
SCHEDULES = {**NO_SCHEDULES, "NEWS_CALL_SCHEDULE": ("fri", 10, 0), "CM_DIGEST_SCHEDULE": ("mon-fri", 9, 0)}


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


@pytest.fixture
def rhythm(deps: Deps) -> Deps:
    """The team of the README's defaults: news call on Fridays at 10, digest on working
    days at 9, French public holidays."""
    return replace(
        deps,
        team=replace(
            deps.team,
            timezone=PARIS,
            leaders_channel="C-LEADERS",
            settings=SCHEDULES,
            holidays_country="FR",
        ),
    )


def run(deps: Deps, start: datetime, end: datetime, step: timedelta = timedelta(hours=1)) -> None:
    """The ticker of one instance, at every `step` from `start` to `end` (the clock moved, not slept)."""
    core = Core(settings=Settings(), engine=deps.db.kw["bind"], deps=deps)
    moment = start
    while moment <= end:
        Ticker(core, replace(deps, clock=lambda m=moment: m.astimezone(timezone.utc))).tick()
        moment += step


def sent(deps: Deps, *kinds: str) -> list[str]:
    """Each delivered row of these kinds: its kind and when it went out, in Paris time."""
    with deps.db() as s:
        rows = s.scalars(select(Outbox).where(Outbox.kind.in_(kinds)).order_by(Outbox.delivered_at, Outbox.id))
        return [
            f"{r.kind.replace('news.call', 'news_call').split('.')[-1]} {r.delivered_at.astimezone(PARIS):%a %d %b %H:%M %Z}"
            for r in rows
            if r.delivered_at
        ]


def waiting_news(deps: Deps, created: datetime) -> None:
    with deps.db.begin() as s:
        s.add(News(author_id="leader", title="Loto du club", created_at=created.astimezone(timezone.utc)))


def weekly_reminder(deps: Deps, first: datetime) -> None:
    with deps.db.begin() as s:
        s.add(
            Reminder(
                owner_id="leader",
                target="me",
                target_id="leader",
                text="Envoyer les photos au CM",
                first_at=first,
                repeat="weekly",
                created_at=first - timedelta(days=1),
            )
        )


KINDS = ("news.call", "news.digest_head", "reminders.personal")


SUMMER = [  # summer time starts on Sunday 29 March 2026
    "digest_head Mon 23 Mar 09:00 CET",
    "digest_head Tue 24 Mar 09:00 CET",
    "digest_head Wed 25 Mar 09:00 CET",
    "personal Wed 25 Mar 18:00 CET",
    "digest_head Thu 26 Mar 09:00 CET",
    "digest_head Fri 27 Mar 09:00 CET",
    "news_call Fri 27 Mar 10:00 CET",
    "digest_head Mon 30 Mar 09:00 CEST",
    "digest_head Tue 31 Mar 09:00 CEST",
    "digest_head Wed 01 Apr 09:00 CEST",
    "personal Wed 01 Apr 18:00 CEST",
]
WINTER = [  # winter time starts on Sunday 25 October 2026
    "digest_head Mon 19 Oct 09:00 CEST",
    "digest_head Tue 20 Oct 09:00 CEST",
    "digest_head Wed 21 Oct 09:00 CEST",
    "personal Wed 21 Oct 18:00 CEST",
    "digest_head Thu 22 Oct 09:00 CEST",
    "digest_head Fri 23 Oct 09:00 CEST",
    "news_call Fri 23 Oct 10:00 CEST",
    "digest_head Mon 26 Oct 09:00 CET",
    "digest_head Tue 27 Oct 09:00 CET",
    "digest_head Wed 28 Oct 09:00 CET",
    "personal Wed 28 Oct 18:00 CET",
]


@pytest.mark.parametrize(
    ("month", "monday", "first_wednesday", "expected"), [(3, 23, 18, SUMMER), (10, 19, 14, WINTER)]
)
def test_local_times_hold_across_daylight_saving(  # type: ignore[no-untyped-def]
    rhythm: Deps, month, monday, first_wednesday, expected, capsys: pytest.CaptureFixture[str]
) -> None:
    waiting_news(rhythm, local(2026, month, 1, 12))
    weekly_reminder(rhythm, local(2026, month, first_wednesday, 18))  # Wednesdays at 18:00
    end = local(2026, month, monday, 23) + timedelta(days=9)
    run(rhythm, local(2026, month, monday, 0), end)
    times = sent(rhythm, *KINDS)
    print(f"\nthe week of {monday}/{month}:", *times, sep="\n  ")
    assert times == expected


def test_a_public_holiday_moves_each_reminder_to_the_next_working_day_once(
    rhythm: Deps, chat: RecordingChat, capsys: pytest.CaptureFixture[str]
) -> None:
    waiting_news(rhythm, local(2026, 11, 1, 12))
    weekly_reminder(rhythm, local(2026, 11, 4, 18))  # Wednesdays; 11 November is a Wednesday
    run(rhythm, local(2026, 11, 10, 0), local(2026, 11, 13, 23))
    november = sent(rhythm, *KINDS)
    print("\naround 11 November:", *november, sep="\n  ")
    assert november == [
        "digest_head Tue 10 Nov 09:00 CET",
        "digest_head Thu 12 Nov 09:00 CET",  # Wednesday's and Thursday's digest are one
        "personal Thu 12 Nov 18:00 CET",
        "digest_head Fri 13 Nov 09:00 CET",
        "news_call Fri 13 Nov 10:00 CET",
    ]
    with rhythm.db.begin() as s:
        s.execute(update(Reminder).values(first_at=local(2026, 12, 18, 18), repeat="weekly"))  # Fridays now
    run(rhythm, local(2026, 12, 23, 0), local(2026, 12, 29, 23))  # 25 December is a Friday
    christmas = sent(rhythm, *KINDS)[len(november) :]
    print("around 25 December:", *christmas, sep="\n  ")
    assert christmas == [
        "digest_head Wed 23 Dec 09:00 CET",
        "digest_head Thu 24 Dec 09:00 CET",
        "digest_head Mon 28 Dec 09:00 CET",
        "news_call Mon 28 Dec 10:00 CET",
        "personal Mon 28 Dec 18:00 CET",
        "digest_head Tue 29 Dec 09:00 CET",
    ]
    call = next(m for c, m, _t in chat.posts if c == "C-LEADERS")
    assert "Any news for the CM this week?" in text_of(call) and call.actions[0].action_id == "newsform.open"
    digest = [text_of(m) for u, m in chat.dms if u == "cm"][:2]
    assert "1 news waiting for a decision for more than 3 days" in digest[0]
    assert "#1 Loto du club" in digest[1] and "[Approve]" in digest[1]


def test_only_the_team_s_country_is_loaded_and_its_holidays_are_the_package_s() -> None:
    """`holidays.country_holidays` imports the package's 300 countries (13 MB in the
    ticking process); Relais loads the one it needs, with the same days."""
    probe = (
        "import sys; from datetime import date; from handlers.core.schedule import is_holiday; "
        "print(is_holiday(date(2026, 7, 14), 'FR'), is_holiday(date(2026, 7, 13), 'FR'), "
        "sum(m.startswith('holidays.countries') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.split() == ["True", "False", "0"]
    import holidays

    for country in ("FR", "BE", "CH", "CA", "LU", "DE"):
        for year in (2026, 2027):
            assert schedule._holidays(country, year) == frozenset(holidays.country_holidays(country, years=year))


def test_while_the_cm_is_away_the_admins_get_what_was_for_the_cm(rhythm: Deps, chat: RecordingChat) -> None:
    waiting_news(rhythm, local(2026, 11, 16, 12))
    cm, reply = as_user("cm")
    clock = local(2026, 11, 20, 8).astimezone(timezone.utc)
    away = replace(rhythm, clock=lambda: clock)
    router.command(away, cm, "cm", "away until 27/11/2026")
    assert "away until Friday 27 November 2026 included" in reply.last
    run(rhythm, local(2026, 11, 20, 9), local(2026, 11, 23, 10))
    to_admin = [text_of(m) for u, m in chat.dms if u == "admin"]
    print("\nto the admin while the CM is away:", *to_admin, sep="\n---\n")
    assert not [u for u, _m in chat.dms if u == "cm"]
    assert len(to_admin) == 4  # Friday's and Monday's digests: the count, then the card
    assert "Loto du club" in to_admin[1] and "[Approve]" in to_admin[1]
    assert "You receive this while the CM is away; the CM is back on 28 Nov 2026." in to_admin[0]
    call = next(text_of(m) for c, m, _t in chat.posts if c == "C-LEADERS")
    print("---\nin the leaders' channel:", call, sep="\n")
    assert "The CM is away and back on 28 Nov 2026" in call
    router.command(away, cm, "cm", "away off")
    run(rhythm, local(2026, 11, 24, 9), local(2026, 11, 24, 9))
    assert [u for u, _m in chat.dms][-2:] == ["cm", "cm"]


def test_a_leaders_reminder_for_a_cm_who_is_away_goes_where_the_away_message_said(rhythm: Deps, chat: RecordingChat):
    clock = local(2026, 11, 20, 8).astimezone(timezone.utc)  # Friday 20 November, 9:00 in Paris
    now = replace(rhythm, clock=lambda: clock)
    cm, reply = as_user("cm")
    router.command(now, cm, "cm", "away until 27/11/2026")
    assert "reminders for the CM go to the admins" in reply.last
    leader, said = as_user("leader")
    router.submit_form(now, leader, "reminders.new", {"target": "person", "person": "@cm", "text": "Relire la file",
                                                      "when": "23/11 10h", "repeat": "never"}, "")  # fmt: skip
    assert "Reminder #1 saved, for @cm" in said.last
    run(rhythm, local(2026, 11, 23, 10), local(2026, 11, 23, 10))
    reminders = [(u, text_of(m)) for u, m in chat.dms if "Relire la file" in text_of(m)]
    print("\n", reminders)
    assert [u for u, _t in reminders] == ["admin"]
    assert "From @leader, for @cm, who is away:\nRelire la file" in reminders[0][1]
    assert "the CM is back on 28 Nov 2026" in reminders[0][1]


def test_a_question_left_unanswered_reminds_the_submitter_then_tells_the_cm(rhythm: Deps, chat: RecordingChat) -> None:
    asked = local(2026, 11, 16, 10)
    with rhythm.db.begin() as s:
        news = News(author_id="leader", title="Loto", status="needs_info", created_at=asked - timedelta(hours=1))
        s.add(news)
        s.flush()
        s.add(NewsEvent(news_id=news.id, kind="needs_info", actor_id="cm", note="Quelle heure ?", at=asked))
    run(rhythm, local(2026, 11, 18, 9), local(2026, 11, 20, 12), step=timedelta(hours=3))
    reminders = [text_of(m) for u, m in chat.dms if u == "leader"]
    assert len(reminders) == 1 and "still waiting for your answer" in reminders[0] and "[Answer]" in reminders[0]
    told = [text_of(m) for c, m, t in chat.posts if c == "C-QUEUE"]
    assert len(told) == 1 and "@leader has not answered your question about “Loto” for 4 days" in told[0]


def test_a_personal_reminder_is_said_back_listed_and_deleted_by_its_owner_only(
    rhythm: Deps, chat: RecordingChat
) -> None:
    now = local(2026, 11, 26, 20).astimezone(timezone.utc)
    at_now = replace(rhythm, clock=lambda: now)
    leader, reply = as_user("leader")
    router.command(at_now, leader, "cm", "remind")
    form = reply.forms[0]
    assert form.form_id == "reminders.new"
    bad = {"target": "person", "person": "", "text": "", "when": "hier 9h", "repeat": "weekly"}
    assert set(router.validate_form(at_now, leader, form.form_id, bad, "")) == {"person", "text", "when"}
    values = {"target": "me", "text": "Photos du loto", "when": "lundi 9h", "repeat": "weekly"}
    router.submit_form(at_now, leader, form.form_id, values, form.state)
    assert "Reminder #1 saved, for you: every week, first on Monday 30 November 2026 at 09:00." in reply.last
    chat.outside.add("C-GENERAL")
    router.submit_form(at_now, leader, form.form_id, {**values, "target": "channel"}, form.state)
    assert "I am not in this channel" in reply.last and "> Photos du loto" in reply.last
    router.command(at_now, leader, "cm", "remind list")
    assert "#1 Photos du loto — every week — next: Monday 30 November 2026 at 09:00" in reply.last
    other, other_reply = as_user("someone")
    router.command(at_now, other, "cm", "remind delete 1")
    assert "someone else's" in other_reply.last
    router.command(at_now, leader, "cm", "remind delete 1")
    assert "Reminder #1 deleted." in reply.last
    with rhythm.db() as s:
        assert s.scalar(select(Reminder.deleted_at)) is not None
    assert reminder_rhythm.next_at is not None and schedule.GRACE == timedelta(hours=12)


def test_two_instances_ticking_together_send_each_reminder_once(rhythm: Deps, chat: RecordingChat) -> None:
    """Two tickers, each with its own engine (as two `relais serve` have), on the same clock."""
    import threading

    from sqlalchemy import create_engine

    from storage.db import make_sessions

    waiting_news(rhythm, local(2026, 11, 1, 12))
    weekly_reminder(rhythm, local(2026, 11, 4, 18))
    url = rhythm.db.kw["bind"].url
    instances = [rhythm, replace(rhythm, db=make_sessions(create_engine(url), rhythm.clock))]
    errors: list[BaseException] = []

    def tick(deps: Deps, moment: datetime) -> None:
        try:
            run(deps, moment, moment)
        except BaseException as exc:  # pragma: no cover - shown by the assert below
            errors.append(exc)

    moment = local(2026, 11, 10, 0)
    while moment <= local(2026, 11, 13, 23):  # both instances tick at once, on the same clock, every hour
        threads = [threading.Thread(target=tick, args=(d, moment)) for d in instances]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        moment += timedelta(hours=1)
    assert errors == []
    assert sent(rhythm, *KINDS) == [
        "digest_head Tue 10 Nov 09:00 CET",
        "digest_head Thu 12 Nov 09:00 CET",
        "personal Thu 12 Nov 18:00 CET",
        "digest_head Fri 13 Nov 09:00 CET",
        "news_call Fri 13 Nov 10:00 CET",
    ]
    assert [u for u, _m in chat.dms].count("cm") == 6  # three digests (the count, then the card), each once
    assert [u for u, _m in chat.dms].count("leader") == 1
    assert len([c for c, _m, _t in chat.posts if c == "C-LEADERS"]) == 1


def test_tips_never_repeat_twice_in_a_row_and_the_weekly_one_goes_to_the_leaders(
    rhythm: Deps, chat: RecordingChat
) -> None:
    from handlers.tips.bank import TIPS

    assert len(TIPS) >= 20
    leader, reply = as_user("leader")
    shown = []
    for _ in range(30):
        router.command(rhythm, leader, "cm", "tip")
        shown.append(reply.replies[-1].title)
    assert all(a != b for a, b in zip(shown, shown[1:], strict=False)) and shown[0].startswith("💡 Tip ")
    weekly = replace(rhythm, team=replace(rhythm.team, settings={**NO_SCHEDULES, "TIP_SCHEDULE": ("mon", 10, 0)}))
    run(weekly, local(2026, 11, 2, 9), local(2026, 11, 24, 11), step=timedelta(hours=1))
    posted = [m.title for c, m, _t in chat.posts if c == "C-LEADERS"]
    assert len(posted) == 4 and all(a != b for a, b in zip(posted, posted[1:], strict=False))


def test_a_close_wished_date_a_publication_day_and_pending_negative_messages_reach_the_cm_once(
    rhythm: Deps, chat: RecordingChat
) -> None:
    from datetime import date

    from handlers.moderation.entries import store

    with rhythm.db.begin() as s:
        s.add(News(author_id="leader", title="Kermesse", wished_date=date(2026, 11, 26),
                   created_at=local(2026, 11, 23, 10).astimezone(timezone.utc)))  # fmt: skip
        s.add(News(author_id="leader", title="Concert", status="scheduled", scheduled_for=date(2026, 11, 25),
                   created_at=local(2026, 11, 20, 10).astimezone(timezone.utc)))  # fmt: skip
    store(SqlUnitOfWork(rhythm), "cm", {"network": "facebook", "excerpt": "Honteux", "severity": "high", "handling": "pending"},
          local(2026, 11, 23, 12).astimezone(timezone.utc))  # fmt: skip
    run(rhythm, local(2026, 11, 24, 7), local(2026, 11, 26, 20))  # Tuesday 7:00 to Thursday 20:00
    to_cm = [(m.title, text_of(m)) for u, m in chat.dms if u == "cm"]
    close = [t for title, t in to_cm if title.startswith("⏰ Wished publication date close")]
    assert len(close) == 1 and "Kermesse" in close[0] and "[Approve]" in close[0]
    today = [t for title, t in to_cm if title.startswith("📅 To publish today")]
    assert len(today) == 1 and "Concert" in today[0] and "[Mark as published]" in today[0]
    heads = [t for title, t in to_cm if title.startswith("🛡️ Negative messages to handle")]
    assert len(heads) == 3  # Tuesday, Wednesday, Thursday: at most one a day
    assert "1 negative messages still pending for more than 24 hours" in heads[0]
    cards = [t for title, t in to_cm if "Negative message #1" in title]
    assert len(cards) == 3 and "[Replied]" in cards[0] and "[Ignored…]" in cards[0]
    with rhythm.db() as s:
        sent_at = {
            r.dedupe_key.split(":")[0]: r.delivered_at.astimezone(PARIS).strftime("%a %H:%M")
            for r in s.scalars(select(Outbox).order_by(Outbox.id))
            if r.delivered_at and r.kind in ("news.card", "moderation.reminder")
        }
    assert sent_at["moderation-reminder"] == "Thu 09:00"  # the last one; each went out at 9:00, not at night


def test_no_digest_when_nothing_waits_long_enough(rhythm: Deps, chat: RecordingChat) -> None:
    waiting_news(rhythm, local(2026, 11, 23, 12))  # sent on Monday: not yet 3 days old on Wednesday
    run(rhythm, local(2026, 11, 24, 8), local(2026, 11, 26, 10))  # Thursday 9:00: 2 days 21 hours
    assert [u for u, _m in chat.dms] == []
    run(rhythm, local(2026, 11, 27, 8), local(2026, 11, 27, 9))  # Friday 9:00: more than 3 days
    assert [u for u, _m in chat.dms] == ["cm", "cm"]
