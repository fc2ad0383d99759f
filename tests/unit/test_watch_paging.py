"""The watch on Mastodon's documented paging (a fake speaking it, where snac2 differs):
a post that draws 100 replies between two rounds is read in three pages, stored once,
and makes one card posted once; an idle source then costs one request per interval;
a refused token is one line and changes nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from handlers.core.deps import Deps
from handlers.watch import collect
from handlers.watch.tables import WatchItem, WatchSource
from tests.fakes.mastodon_api import TOKEN, FakeMastodon, serving
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
    assert mastodon.requests.count(NOTIFICATIONS) == 3  # 40 + 40 + 20, oldest first with min_id
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
