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
from handlers.moderation.tables import ModerationEntry, ModerationEvent
from handlers.watch import collect
from handlers.watch.bluesky import Bluesky
from handlers.watch.tables import WatchHide, WatchItem, WatchReply
from tests.networks.bsky import Bsky, running_bluesky
from tests.unit.conftest import as_user, done, paced, text_of
from tests.unit.test_watch import stored, watching


@pytest.fixture(scope="module")
def bsky() -> Any:
    with running_bluesky() as network:
        network.account("asso")
        network.account("alice")
        network.account("bob")  # a third person: a hidden reply's author still sees it
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


def thread_uris(bsky: Bsky, anchor: str, viewer: str, nsid: str = "app.bsky.unspecced.getPostThreadV2") -> list[str]:
    """The thread as `viewer` sees it in Bluesky's apps (its hidden replies fold into "other")."""
    token = bsky.accounts[viewer].token
    answer = httpx.get(f"{bsky.pds}/xrpc/{nsid}", params={"anchor": anchor},
                       headers={"Authorization": f"Bearer {token}"}, timeout=30)  # fmt: skip
    assert answer.status_code == 200, answer.text
    return [entry["uri"] for entry in answer.json()["thread"]]


def test_the_cm_hides_a_reply_by_a_charter_rule_and_it_leaves_the_thread_then_undoes_it(deps, chat, bsky):
    at = deps.clock()
    post = bsky.post("asso", "Loto du club vendredi : venez en famille !", at)
    insult = bsky.post("alice", "Bande d'escrocs, vous volez les adhérents !", at, reply_to=post)
    kind = bsky.post("alice", "Super idée, on sera là 🎉", at, reply_to=post)
    d = on_bluesky(deps, bsky)
    done(collect.poll_due, d, d.clock())
    paced(d)
    with d.db() as s:
        item = s.scalars(select(WatchItem).where(WatchItem.post_id == insult["uri"])).one()
    cm, cm_reply = as_user("cm")
    router.action(d, cm, "watch_hide.open", str(item.id))
    [form] = cm_reply.forms
    assert form.title == "Hide on Bluesky"
    assert "Moderation charter" in text_of(Message(text=form.intro))
    [rule, note] = form.fields
    assert [o.label for o in rule.options][:2] == ["insults and threats", "defamation"]
    assert router.validate_form(d, cm, "watch.hide", {"rule": "other", "note": ""}, form.state) == {
        "note": "Say which reason, as the log will keep it."
    }

    router.submit_form(d, cm, "watch.hide", {"rule": "0", "note": ""}, form.state)
    with d.db() as s:
        [hide] = s.scalars(select(WatchHide))
        item = s.get(WatchItem, item.id)
        entry = s.get(ModerationEntry, item.entry_id)
        notes = list(s.scalars(select(ModerationEvent.note).where(ModerationEvent.entry_id == entry.id)))
    assert (hide.state, hide.rule, item.state, entry.handling) == (
        "hidden",
        "insults and threats",
        "negative",
        "hidden",
    )
    assert "rule: insults and threats" in notes
    bsky.indexed()
    seen = thread_uris(bsky, post["uri"], "bob")
    assert insult["uri"] not in seen and kind["uri"] in seen  # gone from the thread as others see it
    assert insult["uri"] in thread_uris(bsky, post["uri"], "bob", "app.bsky.unspecced.getPostThreadOtherV2")
    assert insult["uri"] in thread_uris(bsky, post["uri"], "alice")  # its author still sees it, as Bluesky does
    card = text_of(chat.updates[-1][1])
    assert "🙈 @alice.test's message hidden by @cm (rule: insults and threats)" in card
    assert "watch_hide.undo" in [b.action_id for b in chat.updates[-1][1].actions]

    router.action(d, cm, "watch_hide.undo", str(hide.id))
    router.action(d, cm, "watch_hide.undo", str(hide.id))  # a second click changes nothing
    with d.db() as s:
        assert (s.get(WatchHide, hide.id).state, s.get(ModerationEntry, entry.id).handling) == ("shown", "pending")
    bsky.indexed()
    assert insult["uri"] in thread_uris(bsky, post["uri"], "bob")
    assert "This message is not hidden" in text_of(cm_reply.replies[-1])


def test_a_reply_in_someone_elses_thread_cannot_be_hidden_and_the_cm_is_told(deps, chat, bsky):
    at = deps.clock()
    theirs = bsky.post("alice", "Qui vient au forum des assos ?", at)
    ours = bsky.post("asso", "Nous serons au stand 12 !", at, reply_to=theirs)
    rude = bsky.post("alice", "Personne ne vous attend.", at, reply_to=ours)
    d = on_bluesky(deps, bsky)
    done(collect.poll_due, d, d.clock())
    paced(d)
    with d.db() as s:
        item = s.scalars(select(WatchItem).where(WatchItem.post_id == rude["uri"])).one()
    cm, cm_reply = as_user("cm")
    router.action(d, cm, "watch_hide.open", str(item.id))
    router.submit_form(d, cm, "watch.hide", {"rule": "other", "note": "hors sujet"}, cm_reply.forms[0].state)
    with d.db() as s:
        assert s.scalars(select(WatchHide.state)).one() == "refused"
    [(user, told)] = chat.dms
    assert user == "cm" and "this thread is not the association's" in text_of(told)
