"""The association's YouTube channel in the watch, against a fake Data API v3 built from
its documented payloads and error bodies: comments and replies reach a card titled with
the video, the units spent are kept with the mark, and a spent quota or a bad key reaches
the CM once, with when Relais reads again or what to fix."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from handlers.core import router
from handlers.core.deps import Deps
from handlers.watch import checks, collect
from handlers.watch.tables import WatchItem, WatchSource
from tests.fakes.youtube_api import CHANNEL, KEY, FakeYouTube, serving
from tests.unit.conftest import RecordingChat, as_user, done, paced, text_of
from tests.unit.test_watch import watching
from tests.unit.test_watch_facebook import news


@pytest.fixture
def youtube() -> Any:
    with serving(FakeYouTube()) as fake:
        yield fake


def on_youtube(deps: Deps, fake: FakeYouTube, key: str = KEY) -> Deps:
    return watching(deps, YOUTUBE_CHANNEL_ID=CHANNEL, YOUTUBE_API_KEY=key, YOUTUBE_API_URL=fake.base)


def test_a_comment_and_its_seven_replies_reach_a_card_titled_with_the_video(deps: Deps, chat: RecordingChat,
                                                                           youtube: FakeYouTube) -> None:  # fmt: skip
    at = deps.clock() - timedelta(hours=2)
    video = youtube.video("Le carnaval 2026 en images")
    top = youtube.comment(
        video, "@marie-l", "Super ambiance 🎉 mais le son était trop fort… https://example.org/s?a=1&b=2", at
    )
    for n in range(7):  # more than the five a thread lists: comments.list reads them all
        youtube.comment(video, f"@voisin{n}", f"Réponse {n}", at + timedelta(minutes=n + 1), parent=top["id"])
    d = on_youtube(deps, youtube)
    done(collect.poll_due, d, d.clock())
    paced(d)

    with d.db() as s:
        found = list(s.scalars(select(WatchItem).order_by(WatchItem.posted_at)))
        cursor = json.loads(s.get(WatchSource, "youtube").cursor)
    assert [i.author_handle for i in found] == ["@marie-l", *(f"@voisin{n}" for n in range(7))]
    assert found[0].text == "Super ambiance 🎉 mais le son était trop fort… https://example.org/s?a=1&b=2"
    assert found[0].link == f"https://www.youtube.com/watch?v={video}&lc={top['id']}"
    assert youtube.requests == ["/commentThreads", "/videos", "/comments"] and cursor["units"] == 3
    [(_c, card, _t)] = chat.posts
    assert card.title == "💬 Replies to “Le carnaval 2026 en images”"
    assert not {"watch_reply.open", "watch_hide.open"} & {b.action_id for b in card.actions}  # YouTube needs OAuth

    cm, _reply = as_user("cm")
    router.action(d, cm, "watch.negative", str(found[0].id))
    shown = text_of(chat.updates[-1][1])
    assert f"▶️ Answer or hide it on YouTube ({found[0].link}): Relais reads YouTube with a key" in shown


def test_a_spent_quota_waits_for_youtubes_midnight_and_is_told_once(deps: Deps, chat: RecordingChat,
                                                                   youtube: FakeYouTube) -> None:  # fmt: skip
    youtube.quota = 0
    d = on_youtube(deps, youtube)
    done(collect.poll_due, d, d.clock())
    with d.db() as s:
        source = s.get(WatchSource, "youtube")
    assert source is not None and source.retry_at is not None and source.limited
    pacific = source.retry_at.astimezone(ZoneInfo("America/Los_Angeles"))
    assert (pacific.hour, pacific.minute) == (0, 0)  # YouTube's quota day starts at midnight, Pacific time
    [told] = news(chat)
    assert told.startswith("⏸️ YouTube: the project's daily quota is spent (The request cannot be completed")
    d.clock.advance(timedelta(hours=1))  # type: ignore[attr-defined]
    youtube.requests.clear()
    done(collect.poll_due, d, d.clock())
    assert youtube.requests == [] and len(news(chat)) == 1


def test_the_watchs_own_budget_stops_before_youtubes_quota(deps: Deps, chat: RecordingChat,
                                                          youtube: FakeYouTube) -> None:  # fmt: skip
    d = on_youtube(deps, youtube)
    today = d.clock().astimezone(ZoneInfo("America/Los_Angeles")).date().isoformat()
    with d.db.begin() as s:
        s.add(WatchSource(name="youtube", cursor=json.dumps({"mark": d.clock().isoformat(), "day": today,
                                                              "units": 8_999}), failures=0, told_down=False))  # fmt: skip
    done(collect.poll_due, d, d.clock())
    assert youtube.requests == []  # nothing asked: the 9,000 units of the day are spent
    assert news(chat)[0].startswith("⏸️ YouTube: today's budget of 9000 units is spent")


def test_a_bad_key_is_told_with_its_fix_and_doctor_shows_the_days_budget(deps: Deps, chat: RecordingChat,
                                                                        youtube: FakeYouTube) -> None:  # fmt: skip
    d = on_youtube(deps, youtube, key="wrong")
    done(collect.poll_due, d, d.clock())
    [told] = news(chat)
    assert (
        "YouTube refused the API key (API key not valid. Please pass a valid API key.): check YOUTUBE_API_KEY" in told
    )
    [(ok, seen, todo)] = checks.doctor(d.team, d.clock())
    assert not ok and "YOUTUBE_API_KEY" in todo

    good = on_youtube(deps, youtube)
    [(ok, seen, _todo)] = checks.doctor(good.team, good.clock())
    assert ok and seen == ("watch: YouTube read as Les Amis du Quartier; every 300 s, a quiet day takes 576 of the "
                           "10,000 units YouTube gives a day (Relais stops at 9,000)")  # fmt: skip


def test_youtube_is_never_read_faster_than_its_quota_allows(deps: Deps, youtube: FakeYouTube) -> None:
    d = watching(on_youtube(deps, youtube), WATCH_INTERVAL_SECONDS=2)
    done(collect.poll_due, d, d.clock())
    for _ in range(9):  # 18 s at a 2 s interval
        d.clock.advance(timedelta(seconds=2))  # type: ignore[attr-defined]
        done(collect.poll_due, d, d.clock())
    assert youtube.requests.count("/commentThreads") == 1  # 20 s at least between rounds: 8,640 units a day at most
