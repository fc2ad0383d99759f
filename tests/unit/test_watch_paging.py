"""The watch on Mastodon's documented paging (a fake speaking it, where snac2 differs):
a post that draws 100 replies between two rounds is read in three pages, stored once,
and makes one card posted once; an idle source then costs one request per interval;
a refused token is one line and changes nothing. A round that opens five threads posts
their cards a second apart, Slack's pace for a channel, woken by the real scheduler."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.bootstrap import Core
from bot.config import Settings
from bot.scheduler import Ticker
from handlers.core.deps import Deps
from handlers.core.messages import Message
from handlers.core.ports import MessageRef
from handlers.core.tables import Outbox
from handlers.watch import collect
from handlers.watch.tables import WatchItem, WatchSource
from tests.fakes.mastodon_api import TOKEN, FakeMastodon, serving
from tests.networks.snac import until
from tests.unit.conftest import RecordingChat, done, text_of

NOTIFICATIONS = "/api/v1/notifications"


@pytest.fixture
def mastodon() -> Any:
    with serving(FakeMastodon()) as fake:
        yield fake


def on(deps: Deps, fake: FakeMastodon, token: str = TOKEN) -> Deps:
    settings = {**deps.team.settings, "MASTODON_URL": fake.base, "MASTODON_ACCESS_TOKEN": token}
    return replace(deps, team=replace(deps.team, settings=settings))


def stored(deps: Deps) -> int:
    with deps.db() as s:
        return int(s.scalar(select(func.count()).select_from(WatchItem)) or 0)


def test_a_hundred_replies_are_read_in_three_pages_and_make_one_card_posted_once(
    deps: Deps, chat: RecordingChat, mastodon: FakeMastodon
) -> None:
    d = on(deps, mastodon)
    post = mastodon.post("Vide-grenier dimanche : inscriptions ouvertes !", d.clock() - timedelta(hours=2))
    done(collect.poll_due, d, d.clock())  # connected: nothing yet, the cursor is set
    assert (stored(d), chat.posts) == (0, [])

    mastodon.replies(post["id"], 100, d.clock() - timedelta(minutes=30))
    mastodon.requests.clear()
    d.clock.advance(timedelta(seconds=300))  # type: ignore[attr-defined]
    done(collect.poll_due, d, d.clock())

    assert stored(d) == 100
    assert mastodon.requests.count(NOTIFICATIONS) == 3  # 80 + 20 + an empty page, oldest first with min_id
    [(_channel, card, _thread)] = chat.posts  # one card for the post, posted once
    assert chat.updates == []
    shown = text_of(card)
    assert card.title == "💬 Replies to “Vide-grenier dimanche : inscriptions ouvertes !”"
    assert "Messages: 100 — to triage: 100, negative: 0, nothing to report: 0" in shown
    assert "Réponse 0 : merci pour l’info ! https://example.org/r?n=0&x=1" in shown  # as written, oldest first
    assert "… and 95 more to triage" in shown


def test_an_idle_source_costs_one_request_per_interval(deps: Deps, chat: RecordingChat, mastodon: FakeMastodon) -> None:
    d = on(deps, mastodon)
    done(collect.poll_due, d, d.clock())
    mastodon.requests.clear()
    for _ in range(4):  # a tick every 150 s: half of them within the interval, asking nothing
        d.clock.advance(timedelta(seconds=150))  # type: ignore[attr-defined]
        done(collect.poll_due, d, d.clock())
    assert mastodon.requests == [NOTIFICATIONS, NOTIFICATIONS]  # 600 s: two intervals of 300 s
    assert chat.posts == []


def test_a_refused_token_is_one_line_and_stores_nothing(
    deps: Deps, chat: RecordingChat, mastodon: FakeMastodon
) -> None:
    post = mastodon.post("Assemblée générale", deps.clock() - timedelta(hours=1))
    mastodon.replies(post["id"], 3, deps.clock() - timedelta(minutes=10))
    d = on(deps, mastodon, token="wrong")
    done(collect.poll_due, d, d.clock())
    with d.db() as s:
        [source] = s.scalars(select(WatchSource))
    assert source.error == "Mastodon refused the token (HTTP 401)"
    assert (stored(d), source.cursor, chat.posts) == (0, "", [])


class TimedChat(RecordingChat):
    """Each post with the test clock's time when it was made."""

    def __init__(self, clock: Any) -> None:
        super().__init__()
        self.clock, self.times = clock, list[float]()

    def post(self, channel: str, message: Message, *, thread: MessageRef | None = None) -> MessageRef:
        self.times.append(self.clock().timestamp())
        return super().post(channel, message, thread=thread)


def test_a_round_opening_five_threads_posts_their_cards_a_second_apart(
    deps: Deps, mastodon: FakeMastodon, clean_engine: Any
) -> None:
    chat = TimedChat(deps.clock)
    d = replace(on(deps, mastodon), chat=chat)
    done(collect.poll_due, d, d.clock())  # connected
    for n in range(5):
        post = mastodon.post(f"Annonce {n}", d.clock() - timedelta(hours=2))
        mastodon.replies(post["id"], 1, d.clock() - timedelta(minutes=30))
    d.clock.advance(timedelta(seconds=300))  # type: ignore[attr-defined]
    settings = Settings.from_env({"RELAIS_TICK_SECONDS": "30"}, declared=d.features.settings)
    ticker = Ticker(Core(settings, clean_engine, d), d).start()  # its first tick reads the source at once
    try:
        until(lambda: len(chat.posts) == 5, timeout=20)  # long before the next tick, 30 s away
    finally:
        ticker.stop()

    assert sorted(m.title for _c, m, _t in chat.posts) == [f"💬 Replies to “Annonce {n}”" for n in range(5)]
    gaps = [b - a for a, b in itertools.pairwise(chat.times)]
    assert all(gap >= 0.95 for gap in gaps), gaps  # one a second, as Slack asks of a channel
    assert max(gaps) < 5, gaps  # each woken for, not left to the next tick
    with d.db() as s:
        due = sorted(s.scalars(select(Outbox.due_at).where(Outbox.kind == collect.ThreadCard.kind)))
    assert [(b - a).total_seconds() for a, b in itertools.pairwise(due)] == [1.0] * 4


def test_a_429_waits_until_mastodons_reset_and_is_told_once(deps: Deps, chat: RecordingChat,
                                                           mastodon: FakeMastodon) -> None:  # fmt: skip
    d = on(deps, mastodon)
    reset = d.clock().replace(microsecond=0) + timedelta(minutes=12)
    mastodon.throttled_until = reset
    done(collect.poll_due, d, d.clock())
    with d.db() as s:
        source = s.get(WatchSource, "mastodon")
    assert source is not None and source.limited and source.retry_at is not None
    assert source.retry_at >= reset  # X-RateLimit-Reset, not the back-off's few minutes
    [(_channel, told, _thread)] = chat.posts
    assert text_of(told).startswith("⏸️ Mastodon asks to wait (HTTP 429): Relais reads Mastodon again from ")
    mastodon.requests.clear()
    d.clock.advance(timedelta(minutes=6))  # type: ignore[attr-defined]
    done(collect.poll_due, d, d.clock())
    assert mastodon.requests == [] and len(chat.posts) == 1
