"""The association's Facebook Page in the watch, against a fake Graph API built from its
documented payloads and error bodies: comments and replies reach their card, the CM
replies and hides from Relais, and each refusal and rate limit reaches the CM once, in
words they can act on."""

from __future__ import annotations

from contextlib import closing
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from handlers.core import router
from handlers.core.dates import write_moment
from handlers.core.deps import Deps
from handlers.core.messages import Message
from handlers.core.uow import SqlUnitOfWork
from handlers.moderation.tables import ModerationEntry
from handlers.recap import weekly
from handlers.recap.data import week_of
from handlers.watch import checks, collect
from handlers.watch.facebook import Facebook
from handlers.watch.tables import WatchHide, WatchItem, WatchReply, WatchSource
from tests.fakes.facebook_graph import PAGE, TOKEN, FakeGraph, serving
from tests.unit.conftest import RecordingChat, as_user, done, paced, text_of
from tests.unit.test_watch import watching

FEED = f"/{PAGE['id']}/feed"


@pytest.fixture
def graph(deps: Deps) -> Any:
    with serving(FakeGraph(clock=deps.clock)) as fake:
        yield fake


def on_facebook(deps: Deps, graph: FakeGraph, token: str = TOKEN) -> Deps:
    return watching(deps, FACEBOOK_PAGE_ID=PAGE["id"], FACEBOOK_PAGE_TOKEN=token, FACEBOOK_GRAPH_URL=graph.base)


def items(deps: Deps) -> list[WatchItem]:
    with deps.db() as s:
        return list(s.scalars(select(WatchItem).order_by(WatchItem.id)))


def test_comments_and_replies_reach_their_card_and_an_idle_round_asks_once(deps: Deps, chat: RecordingChat,
                                                                          graph: FakeGraph) -> None:  # fmt: skip
    at = deps.clock() - timedelta(hours=3)
    post = graph.post("Fête de quartier samedi 14 h, place Carnot : venez nombreux !\nProgramme en ligne.", at)
    first = graph.comment(post["id"], "Jeanne Martin", "Encore du bruit jusqu’à minuit… 😡 https://example.org/a?b=1&c=2",
                          at + timedelta(minutes=5))  # fmt: skip
    graph.comment(first["id"], "Paul Durand", "@Jeanne c’est une fois par an !", at + timedelta(minutes=9))
    graph.comment(post["id"], PAGE["name"], "Merci à tous !", at + timedelta(minutes=10))  # the Page's own: left out
    d = on_facebook(deps, graph)
    done(collect.poll_due, d, d.clock())
    paced(d)

    found = items(d)
    assert [(i.author_handle, i.text) for i in found] == [
        ("Jeanne Martin", "Encore du bruit jusqu’à minuit… 😡 https://example.org/a?b=1&c=2"),  # as written
        ("Paul Durand", "@Jeanne c’est une fois par an !"),
    ]
    assert (found[0].network, found[0].post_id, found[1].post_id) == ("facebook", first["id"], first["id"])
    [(_channel, card, _thread)] = chat.posts
    shown = text_of(card)
    assert card.title == "💬 Replies to “Fête de quartier samedi 14 h, place Carnot : venez nombreux !”"
    assert "1. Jeanne Martin — " in shown and first["permalink_url"] in shown
    assert {b.action_id for b in card.actions} >= {"watch_reply.open", "watch_hide.open"}

    graph.requests.clear()
    d.clock.advance(timedelta(seconds=300))  # type: ignore[attr-defined]
    done(collect.poll_due, d, d.clock())
    assert graph.requests == [("GET", FEED)]  # nothing new: the feed says so, no post's comments asked

    graph.comment(post["id"], "Lina", "On peut venir avec les enfants ?", d.clock())
    d.clock.advance(timedelta(seconds=300))  # type: ignore[attr-defined]
    done(collect.poll_due, d, d.clock())
    assert [i.author_handle for i in items(d)] == ["Jeanne Martin", "Paul Durand", "Lina"]  # nothing twice


def test_the_cm_replies_to_a_comment_from_relais_and_it_is_under_the_comment_once(deps: Deps, chat: RecordingChat,
                                                                                 graph: FakeGraph) -> None:  # fmt: skip
    post = graph.post("Collecte de jouets jusqu’au 20 décembre.", deps.clock() - timedelta(hours=1))
    asked = graph.comment(post["id"], "Marc", "Où déposer les jouets ?", deps.clock() - timedelta(minutes=30))
    d = on_facebook(deps, graph)
    done(collect.poll_due, d, d.clock())
    [item] = items(d)
    cm, cm_reply = as_user("cm")
    router.action(d, cm, "watch_reply.open", str(item.id))
    [form] = cm_reply.forms
    assert (form.title, [f.name for f in form.fields]) == ("Reply on Facebook", ["facebook"])
    assert "Où déposer les jouets ?" in text_of(Message(text=form.intro))

    text = "À la maison des associations, 3 rue Victor-Hugo : https://example.org/jouets?x=1&y=2"
    router.submit_form(d, cm, "watch.reply", {"facebook": text}, str(item.id))
    router.submit_form(d, cm, "watch.reply", {"facebook": text}, str(item.id))  # a double click
    with d.db() as s:
        [reply] = s.scalars(select(WatchReply))
    answers = [c for c in graph.comments.values() if c.get("parent", {}).get("id") == asked["id"]]
    assert [(a["from"]["name"], a["message"]) for a in answers] == [(PAGE["name"], text)]  # once, as written
    assert (reply.state, reply.link) == ("posted", answers[0]["permalink_url"])
    assert f"↩️ replied by @cm: {reply.link}" in text_of(chat.updates[-1][1])
    assert "This reply was sent already." in text_of(cm_reply.replies[-1])

    with closing(Facebook(graph.base, PAGE["id"], TOKEN)) as network:  # a retry after a lost answer finds its reply
        assert network.reply(asked["id"], text, "k", d.clock()) == reply.link
    assert len([c for c in graph.comments.values() if c.get("parent", {}).get("id") == asked["id"]]) == 1


def test_the_cm_hides_a_comment_by_a_charter_rule_and_undoes_it(deps: Deps, chat: RecordingChat,
                                                               graph: FakeGraph) -> None:  # fmt: skip
    post = graph.post("Assemblée générale jeudi.", deps.clock() - timedelta(hours=1))
    spam = graph.comment(post["id"], "Promo Discount", "Gagnez 1000 € ! http://arnaque.example", deps.clock())
    d = on_facebook(deps, graph)
    done(collect.poll_due, d, d.clock())
    [item] = items(d)
    cm, cm_reply = as_user("cm")
    router.action(d, cm, "watch_hide.open", str(item.id))
    [form] = cm_reply.forms
    labels = [o.label for o in form.fields[0].options]
    assert "spam and advertising" in labels
    router.submit_form(d, cm, "watch.hide", {"rule": str(labels.index("spam and advertising"))}, form.state)

    assert graph.comments[spam["id"]]["is_hidden"] is True
    with d.db() as s:
        hide = s.scalars(select(WatchHide)).one()
        entry = s.get(ModerationEntry, s.get(WatchItem, item.id).entry_id)
    assert (hide.state, hide.rule, entry.handling, entry.network) == ("hidden", "spam and advertising", "hidden",
                                                                      "facebook")  # fmt: skip
    assert "🙈 Promo Discount's message hidden by @cm (rule: spam and advertising)" in text_of(chat.updates[-1][1])

    # another reason, said in the note, is kept apart from the charter's rules
    d.clock.advance(timedelta(minutes=10))  # type: ignore[attr-defined]
    twice = graph.comment(post["id"], "Promo Discount", "Gagnez 1000 € ! http://arnaque.example", deps.clock())
    done(collect.poll_due, d, d.clock())
    again = next(i for i in items(d) if i.id != item.id)
    router.action(d, cm, "watch_hide.open", str(again.id))
    router.submit_form(
        d, cm, "watch.hide", {"rule": "other", "note": "doublon du message de 14 h"}, cm_reply.forms[-1].state
    )
    assert graph.comments[twice["id"]]["is_hidden"] is True
    assert "🙈 Promo Discount's message hidden by @cm (rule: doublon du message de 14 h)" in text_of(
        chat.updates[-1][1]
    )
    assert recap_of(d)["en"].count("Hidden on the networks, by the charter's rule: spam and advertising 1 · "
                                   "another reason 1") == 1  # fmt: skip
    # the rules as the charter the CM chose them from words them; the rest in the reader's language
    assert (
        "Masqués sur les réseaux, par règle de la charte\u202f: spam and advertising 1 · une autre raison 1"
        in (recap_of(d)["fr"])
    )

    router.action(d, cm, "watch_hide.undo", str(hide.id))
    assert graph.comments[spam["id"]]["is_hidden"] is False
    with d.db() as s:
        assert s.get(ModerationEntry, entry.id).handling == "pending"
    assert "rule: another reason 1\n" in recap_of(d)["en"] + "\n"  # shown again: no longer counted as hidden


def recap_of(deps: Deps) -> dict[str, str]:
    """This week's recap message as each language reads it."""
    uow = SqlUnitOfWork(deps)
    recap = weekly.build_recap(uow, week_of(deps.clock().astimezone(deps.team.timezone).date()))
    return {lang: text_of(weekly.messages(recap, lang, deps.clock())[0]) for lang in ("fr", "en")}


def news(chat: RecordingChat) -> list[str]:
    """What the watch channel was told of its sources (not the cards)."""
    return [text_of(m) for _c, m, _t in chat.posts if not m.title]


def test_an_expired_token_is_told_once_with_its_fix_and_doctor_names_it(deps: Deps, chat: RecordingChat,
                                                                       graph: FakeGraph) -> None:  # fmt: skip
    d = on_facebook(deps, graph)
    graph.expired = True
    done(collect.poll_due, d, d.clock())
    [told] = news(chat)
    assert told.startswith("⚠️ Facebook refuses Relais since ")
    assert ("Facebook refused the Page token: it expired or was revoked (Error validating access token: Session has "
            "expired on Sunday") in told  # fmt: skip
    assert "Make a new one (docs/facebook.md) and put it in FACEBOOK_PAGE_TOKEN." in told
    d.clock.advance(timedelta(hours=2))  # type: ignore[attr-defined]
    done(collect.poll_due, d, d.clock())
    assert len(news(chat)) == 1  # told once

    [(ok, seen, todo)] = checks.doctor(d.team, d.clock())
    assert not ok and "Facebook refused the Page token" in seen and "FACEBOOK_PAGE_TOKEN" in todo

    graph.expired = False
    [(ok, seen, _todo)] = checks.doctor(d.team, d.clock())
    assert ok and seen == f"watch: Facebook read as {PAGE['name']}"


@pytest.mark.parametrize("code", [4, 17, 32, 613])
def test_a_rate_limit_waits_as_long_as_facebook_asks_and_is_told_once(deps: Deps, chat: RecordingChat,
                                                                     graph: FakeGraph, code: int) -> None:  # fmt: skip
    d = on_facebook(deps, graph)
    graph.limited = [(code, 25)]
    done(collect.poll_due, d, d.clock())
    with d.db() as s:
        source = s.get(WatchSource, "facebook")
    assert source is not None and source.retry_at is not None and source.limited
    assert source.polled_at and source.retry_at - source.polled_at >= timedelta(minutes=25)  # X-Business-Use-Case-Usage
    [told] = news(chat)
    assert told.startswith(f"⏸️ Facebook asks to wait (code {code}: (#{code}) ")
    when = write_moment(source.retry_at, "en", d.team.timezone)  # 25 minutes on
    assert f": Relais reads Facebook again from {when}." in told and "raise WATCH_INTERVAL_SECONDS" in told

    graph.requests.clear()
    d.clock.advance(timedelta(minutes=10))  # type: ignore[attr-defined]
    done(collect.poll_due, d, d.clock())
    assert graph.requests == []  # not asked again before the time Facebook gave
    d.clock.advance(timedelta(minutes=20))  # type: ignore[attr-defined]
    done(collect.poll_due, d, d.clock())
    assert graph.requests and news(chat)[1].startswith("✅ Facebook is read again")  # told once it is back


def test_without_the_moderate_task_the_round_says_so_and_stores_nothing(deps: Deps, chat: RecordingChat,
                                                                       graph: FakeGraph) -> None:  # fmt: skip
    post = graph.post("Vide-grenier", deps.clock() - timedelta(hours=1))
    graph.comment(post["id"], "Anne", "Combien coûte un stand ?", deps.clock())
    graph.moderate = False
    d = on_facebook(deps, graph)
    done(collect.poll_due, d, d.clock())
    assert items(d) == []
    [told] = news(chat)
    assert "the token's person needs the Page's MODERATE task" in told
