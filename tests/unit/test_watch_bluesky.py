"""The watch against a real Bluesky network (`@atproto/dev-env`: PLC, PDS, AppView): a
reply, a quote and a mention reach their cards, links as written, one login for many
rounds, nothing twice."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from handlers.core import router
from handlers.core.messages import Message
from handlers.watch import collect
from handlers.watch.bluesky import Bluesky
from handlers.watch.tables import WatchItem, WatchReply
from tests.networks.bsky import Bsky, running_bluesky
from tests.unit.conftest import as_user, done, paced, text_of
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


def test_the_cm_replies_from_relais_in_the_thread_and_a_deleted_message_keeps_the_text(deps, chat, bsky):
    at = deps.clock()
    post = bsky.post("asso", "Repair café samedi : apportez vos grille-pain !", at)
    question = bsky.post("alice", "On peut venir avec une cafetière ? 🙏", at, reply_to=post)
    gone = bsky.post("alice", "Et les vélos ?", at, reply_to=post)
    d = on_bluesky(deps, bsky)
    done(collect.poll_due, d, d.clock())
    paced(d)
    with d.db() as s:
        item, deleted = (
            s.scalars(select(WatchItem).where(WatchItem.post_id == p["uri"])).one() for p in (question, gone)
        )
    cm, cm_reply = as_user("cm")
    router.action(d, cm, "watch_reply.open", str(item.id))
    [form] = cm_reply.forms
    assert (form.title, [(f.name, f.initial) for f in form.fields]) == ("Reply on Bluesky", [("bluesky", "")])
    assert "On peut venir avec une cafetière ? 🙏" in text_of(Message(text=form.intro))
    state = str(item.id)
    too_long = router.validate_form(d, cm, "watch.reply", {"bluesky": "é" * 301}, state)
    assert too_long == {"bluesky": "301 characters; the limit is 300."}
    assert router.validate_form(d, cm, "watch.reply", {"bluesky": "👍🏽" * 300}, state) == {}  # 300 graphemes

    text = "Oui, bien sûr ! Le programme : https://example.org/repair?x=1&y=2"
    router.submit_form(d, cm, "watch.reply", {"bluesky": text}, state)
    with d.db() as s:
        [reply] = s.scalars(select(WatchReply))
    assert (reply.state, reply.error) == ("posted", "")
    assert reply.link.startswith("https://bsky.app/profile/asso.test/post/")
    bsky.indexed()
    asso = bsky.accounts["asso"]
    thread = httpx.get(f"{bsky.pds}/xrpc/app.bsky.feed.getPostThread", params={"uri": question["uri"]},
                       headers={"Authorization": f"Bearer {asso.token}"}, timeout=30).json()["thread"]  # fmt: skip
    [answer] = [r["post"] for r in thread.get("replies", []) if r["post"]["author"]["handle"] == "asso.test"]
    record = answer["record"]
    assert record["text"] == text and answer["uri"].rsplit("/", 1)[-1] == reply.link.rsplit("/", 1)[-1]
    assert (record["reply"]["root"]["uri"], record["reply"]["parent"]["uri"]) == (post["uri"], question["uri"])
    assert [f["features"][0]["uri"] for f in record["facets"]] == ["https://example.org/repair?x=1&y=2"]
    assert f"↩️ replied by @cm: {reply.link}" in text_of(chat.updates[-1][1])

    rkey = gone["uri"].rsplit("/", 1)[-1]
    alice = bsky.accounts["alice"]
    bsky._xrpc("com.atproto.repo.deleteRecord", alice.token,
               {"repo": alice.did, "collection": "app.bsky.feed.post", "rkey": rkey})  # fmt: skip
    bsky.indexed()
    router.submit_form(d, cm, "watch.reply", {"bluesky": "Oui, les vélos aussi !"}, str(deleted.id))
    with d.db() as s:
        refused = s.scalars(select(WatchReply).where(WatchReply.item_id == deleted.id)).one()
    assert (refused.state, refused.text) == ("refused", "Oui, les vélos aussi !")
    [(user, told)] = chat.dms
    assert user == "cm" and "Bluesky refused your reply to @alice.test: Bluesky no longer has this message" in text_of(
        told
    )
    assert "Nothing was posted. Your text, kept:\nOui, les vélos aussi !" in text_of(told)
