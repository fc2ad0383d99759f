"""The watch against a real Mastodon-API server (snac2): a reply and a mention reach
their cards, the CM's « Négatif → journal » makes the log's entry, and a restart or two
instances collect nothing twice. Alert feeds from an Atom file served here."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from handlers.core import router
from handlers.core.deps import Deps
from handlers.core.messages import Message
from handlers.moderation.tables import ModerationEntry
from handlers.watch import collect
from handlers.watch.found import plain_text
from handlers.watch.tables import WatchItem, WatchReply, WatchSource
from tests.networks.snac import Snac, running_snac, until
from tests.unit.conftest import as_user, done, paced, text_of


@pytest.fixture(scope="module")
def snac(tmp_path_factory: pytest.TempPathFactory) -> Any:
    with running_snac(tmp_path_factory.mktemp("snac")) as server:
        yield server


def watching(deps: Deps, **settings: object) -> Deps:
    """The team with the watch's settings (as read at start); a long backfill: the test's
    clock may stand months away from the server's."""
    return replace(deps, team=replace(deps.team, settings={**deps.team.settings, "WATCH_BACKFILL_DAYS": 3650,
                                                               **settings}))  # fmt: skip


def on_mastodon(deps: Deps, snac: Snac) -> Deps:
    return watching(deps, MASTODON_URL=snac.base, MASTODON_ACCESS_TOKEN=snac.tokens["asso"])


def stored(deps: Deps) -> int:
    with deps.db() as s:
        return int(s.scalar(select(func.count()).select_from(WatchItem)) or 0)


def test_a_reply_and_a_mention_reach_their_cards_and_the_cm_logs_the_reply(deps, chat, snac):
    post = snac.post("asso", "Notre loto samedi à la salle des fêtes !")
    reply = snac.post("alice", "@asso Encore un loto… merci pour rien 🙄 https://example.org/a?b=1&c=2", post["id"])
    mention = snac.post("alice", "@asso vous serez au forum des associations ?")
    until(lambda: {reply["id"], mention["id"]} <= {n["status"]["id"] for n in snac.mentions("asso")})
    d = on_mastodon(deps, snac)
    done(collect.poll_due, d, d.clock())
    paced(d)  # the second card a second after the first

    cards = {card.title: text_of(card) for _c, card, _t in chat.posts}
    with d.db() as s:
        assert [w.error for w in s.scalars(select(WatchSource))] == [""]
    assert "💬 Replies to “Notre loto samedi à la salle des fêtes !”" in cards, (cards, chat.posts)
    replies = cards["💬 Replies to “Notre loto samedi à la salle des fêtes !”"]
    assert "Encore un loto… merci pour rien 🙄 https://example.org/a?b=1&c=2" in replies  # as written, link kept
    assert "[1: Negative → log]" in replies and "[1: Nothing to report]" in replies
    assert "vous serez au forum des associations ?" in cards["📣 Mentions on Mastodon"]

    with d.db() as s:
        item = s.scalars(select(WatchItem).where(WatchItem.link == reply["url"])).one()
    leader, leader_reply = as_user("leader")
    router.action(d, leader, "watch.negative", str(item.id))  # only the CM triages
    cm, cm_reply = as_user("cm")
    router.action(d, cm, "watch.negative", str(item.id))
    router.action(d, cm, "watch.negative", str(item.id))  # a second click changes nothing
    assert cm_reply.last == "This message was triaged already."
    with d.db() as s:
        entry = s.scalars(select(ModerationEntry)).one()
    assert (entry.network, entry.link, entry.handling) == ("mastodon", reply["url"], "pending")
    assert entry.author == item.author_handle and entry.excerpt == item.text and entry.seen_at == item.posted_at
    card = text_of(chat.updates[-1][1])
    assert "Messages: 1 — to triage: 0, negative: 1, nothing to report: 0" in card
    assert f"📒 In the log as #{entry.id}, ⏳ pending: handle it here or in the log." in card
    assert "[Replied]" in card and "[Hidden]" in card  # the log's own buttons

    before = stored(d)
    done(collect.poll_due, replace(d, clock=lambda: d.clock() + timedelta(hours=1)), d.clock())  # a restart
    assert stored(d) == before


def test_two_instances_reading_at_once_store_each_item_once(deps, snac):
    snac.post("alice", "@asso deux instances, un seul message")
    until(lambda: any("deux instances" in n["status"]["content"] for n in snac.mentions("asso")))
    d = on_mastodon(deps, snac)
    rounds = [threading.Thread(target=done, args=(collect.poll, d, "mastodon", d.clock())) for _ in range(2)]
    for r in rounds:
        r.start()
    for r in rounds:
        r.join()
    with d.db() as s:
        keys = s.scalars(select(WatchItem.key)).all()
    assert len(keys) == len(set(keys)) == len(snac.mentions("asso"))


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><id>tag:google.com,2005:reference:alerts</id>
<title>Google Alert - "Les Amis du Quartier"</title><updated>2026-12-05T10:00:00Z</updated>
<entry><id>tag:google.com,2013:googlealerts/feed:1</id><title type="html">Les Amis du Quartier &lt;b&gt;critiqués&lt;/b&gt;</title>
<link href="https://www.google.com/url?rct=j&amp;url=https://journal.example/article"/>
<published>2026-12-05T09:00:00Z</published><updated>2026-12-05T09:00:00Z</updated>
<content type="html">Le loto des &lt;b&gt;Amis du Quartier&lt;/b&gt; fait grincer des dents</content></entry></feed>"""


class _Feed(BaseHTTPRequestHandler):
    asked: list[str] = []

    def do_GET(self) -> None:
        _Feed.asked.append(self.headers.get("If-None-Match", ""))
        if self.headers.get("If-None-Match") == '"v1"':
            self.send_response(304)
            self.end_headers()
            return
        body = ATOM.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/atom+xml")
        self.send_header("ETag", '"v1"')
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


def test_an_alert_feed_reaches_its_card_and_an_unchanged_feed_costs_a_304(deps, chat):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Feed)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/alerts.xml"
    d = watching(deps, WATCH_FEEDS=(url,), WATCH_INTERVAL_SECONDS=2)
    try:
        done(collect.poll, d, f"feed:{url}", d.clock())
        done(collect.poll, d, f"feed:{url}", d.clock())
    finally:
        server.shutdown()
    (card,) = [m for _c, m, _t in chat.posts]
    assert card.title == f"🔔 Alerts — {url}"
    assert "Les Amis du Quartier critiqués\nLe loto des Amis du Quartier fait grincer des dents" in text_of(card)
    assert "https://www.google.com/url?rct=j&url=https://journal.example/article" in text_of(card)
    assert _Feed.asked[-2:] == ["", '"v1"'] and stored(d) == 1


def test_the_doctor_opens_the_mastodon_account_and_names_a_refused_token(deps, snac):
    from handlers.watch import checks

    d = on_mastodon(deps, snac)
    assert checks.doctor(d.team, d.clock()) == [(True, "watch: Mastodon read as @asso", "")]
    wrong = watching(deps, MASTODON_URL=snac.base, MASTODON_ACCESS_TOKEN="not-a-token")
    ((ok, said, todo),) = checks.doctor(wrong.team, wrong.clock())
    assert not ok and said.startswith("watch: Mastodon: Mastodon ")  # snac2 answers 422 where Mastodon says 401
    assert todo.startswith("check MASTODON_URL and MASTODON_ACCESS_TOKEN")


def test_the_cm_replies_from_relais_and_the_reply_is_in_the_thread_on_mastodon(deps, chat, snac):
    post = snac.post("asso", "Braderie dimanche : qui vient aider ?")
    question = snac.post("alice", "@asso à quelle heure commence la braderie ?", post["id"])
    until(lambda: question["id"] in {n["status"]["id"] for n in snac.mentions("asso")})
    d = on_mastodon(deps, snac)
    done(collect.poll_due, d, d.clock())
    paced(d)
    with d.db() as s:
        item = s.scalars(select(WatchItem).where(WatchItem.link == question["url"])).one()
    assert item.post_id == question["id"]
    card = next(m for _c, m, _t in chat.posts if m.title == "💬 Replies to “Braderie dimanche : qui vient aider ?”")
    assert "[1: Reply]" in text_of(card)

    leader, leader_reply = as_user("leader")
    router.action(d, leader, "watch_reply.open", str(item.id))  # only the CM answers as the association
    assert leader_reply.forms == []
    cm, cm_reply = as_user("cm")
    router.action(d, cm, "watch_reply.open", str(item.id))
    [form] = cm_reply.forms
    intro = text_of(Message(text=form.intro))
    assert form.title == "Reply on Mastodon" and [f.initial for f in form.fields] == [item.author_handle + " "]
    assert "à quelle heure commence la braderie ?" in intro and question["url"] in intro
    assert "Speaking charter" in intro and "Who speaks in the association's name" in intro

    text = "@alice Dès 8 h, place du marché ! Programme : https://example.org/braderie?x=1&y=2"
    assert router.validate_form(d, cm, "watch.reply", {"mastodon": "x" * 501}, str(item.id)) == {
        "mastodon": "501 characters; the limit is 500."
    }
    router.submit_form(d, cm, "watch.reply", {"bluesky": text}, str(item.id))  # forged: not this item's network
    router.submit_form(d, cm, "watch.reply", {"mastodon": text}, "999")  # forged: no such item
    assert all("cannot be answered from Relais" in text_of(m) for m in cm_reply.replies[-2:])
    router.submit_form(d, cm, "watch.reply", {"mastodon": text}, str(item.id))
    assert cm_reply.last == "↩️ Your reply is on its way to Mastodon; the card will show its link."
    router.submit_form(d, cm, "watch.reply", {"mastodon": text}, str(item.id))  # a double click
    assert cm_reply.last == "This reply was sent already."

    with d.db() as s:
        [reply] = s.scalars(select(WatchReply))
    assert (reply.state, reply.error, reply.text) == ("posted", "", text)
    thread = httpx.get(f"{snac.base}/api/v1/statuses/{question['id']}/context", timeout=10,
                       headers={"Authorization": f"Bearer {snac.tokens['asso']}"}).json()  # fmt: skip
    answers = [st for st in thread["descendants"] if st["url"] == reply.link]
    assert len(answers) == 1 and answers[0]["in_reply_to_id"] == question["id"]
    shown = plain_text(answers[0]["content"])  # as the network shows it: the text and the link whole
    assert shown.endswith("Dès 8 h, place du marché ! Programme : https://example.org/braderie?x=1&y=2"), shown
    assert f"↩️ replied by @cm: {reply.link}" in text_of(chat.updates[-1][1])
