"""The watch against a real Bluesky network (`@atproto/dev-env`: PLC, PDS, AppView): a
reply, a quote and a mention reach their cards, links as written, one login for many
rounds, nothing twice."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from handlers.watch import collect
from handlers.watch.bluesky import Bluesky
from tests.networks.bsky import Bsky, running_bluesky
from tests.unit.conftest import done, paced, text_of
from tests.unit.test_watch import stored, watching


@pytest.fixture(scope="module")
def bsky() -> Any:
    with running_bluesky() as network:
        network.account("asso")
        network.account("alice")
        yield network


def on_bluesky(deps: Any, bsky: Bsky) -> Any:
    asso = bsky.accounts["asso"]
    return watching(deps, BLUESKY_SERVICE=bsky.pds, BLUESKY_HANDLE=asso.handle, BLUESKY_APP_PASSWORD=asso.password)


def mention_of(bsky: Bsky, who: str) -> list[dict[str, Any]]:
    name = "@" + bsky.accounts[who].handle
    feature = {"$type": "app.bsky.richtext.facet#mention", "did": bsky.accounts[who].did}
    return [{"index": {"byteStart": 0, "byteEnd": len(name.encode())}, "features": [feature]}]


def test_a_reply_a_quote_and_a_mention_reach_their_cards(deps, chat, bsky):
    at = deps.clock()
    post = bsky.post("asso", "Assemblée générale le 12 : venez nombreux !", at)
    link = "https://example.org/ag?x=1&y=2"
    shown = "Encore une AG un mardi… merci pour rien 🙄 example.org/ag?x=1…"
    start = len(shown.encode()) - len("example.org/ag?x=1…".encode())
    facet = {"index": {"byteStart": start, "byteEnd": len(shown.encode())},
             "features": [{"$type": "app.bsky.richtext.facet#link", "uri": link}]}  # fmt: skip
    bsky.post("alice", shown, at, reply_to=post, facets=[facet])
    bsky.post("alice", "Bravo pour l'organisation 👏", at, quote=post)
    bsky.post("alice", "@asso.test serez-vous au forum ?", at, facets=mention_of(bsky, "asso"))
    d = on_bluesky(deps, bsky)
    done(collect.poll_due, d, d.clock())
    paced(d)  # the second card a second after the first

    cards = {card.title: text_of(card) for _c, card, _t in chat.posts}
    replies = cards["💬 Replies to “Assemblée générale le 12 : venez nombreux !”"]
    assert f"Encore une AG un mardi… merci pour rien 🙄 {link}" in replies  # the link whole, as the facet holds it
    assert "Bravo pour l'organisation 👏" in replies
    assert f"https://bsky.app/profile/asso.test/post/{post['uri'].rsplit('/', 1)[-1]}" in replies
    assert "@alice.test" in replies
    assert "serez-vous au forum ?" in cards["📣 Mentions on Bluesky"]
    assert stored(d) == 3

    done(collect.poll_due, d, d.clock())  # nothing new
    assert stored(d) == 3 and len(chat.posts) == 2


class Counting(httpx.HTTPTransport):
    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.asked.append(request.url.path.removeprefix("/xrpc/"))
        return super().handle_request(request)


def test_the_session_is_kept_between_rounds_and_nothing_is_marked_seen(bsky):
    asso, counted = bsky.accounts["asso"], Counting()
    since = datetime(2020, 1, 1, tzinfo=UTC)
    for _ in range(3):
        reader = Bluesky(bsky.pds, asso.handle, asso.password, transport=counted)
        reader.page("", since, since)
        reader.close()
    assert counted.asked.count("com.atproto.server.createSession") <= 1  # one login in the process at most
    assert "app.bsky.notification.updateSeen" not in counted.asked
    assert counted.asked.count("app.bsky.notification.listNotifications") == 3
