"""The CM's decisions: in-place update, one DM in the submitter's language, refusals, double clicks."""

from __future__ import annotations

from sqlalchemy import select

from handlers.core import router
from handlers.news.tables import News, NewsEvent
from tests.unit.conftest import as_user, text_of


def submit(deps, text="Fête des bénévoles"):  # type: ignore[no-untyped-def]
    req, _ = as_user("leader")
    router.command(deps, req, "news", text)


def test_approve_updates_card_in_place_and_dms_once(deps, chat):
    submit(deps)
    cm, reply = as_user("cm")
    router.action(deps, cm, "news.approve", "1")
    router.action(deps, cm, "news.approve", "1")  # double click
    assert len(chat.updates) == 1
    ref, card = chat.updates[0]
    assert ref.message_id == "m1"
    assert "approved by @cm" in text_of(card)
    assert [b.label for b in card.actions] == ["Schedule", "Mark as published", "Reject"]
    assert len(chat.dms) == 1 and chat.dms[0][0] == "leader"
    assert "was approved by @cm" in text_of(chat.dms[0][1])
    assert "Nothing changed" in reply.last and "already approved" in reply.last


def test_non_cm_is_refused_and_nothing_changes(deps, chat):
    submit(deps)
    intruder, reply = as_user("leader")
    router.action(deps, intruder, "news.approve", "1")
    router.action(deps, intruder, "news.reject", "1")
    assert "Only the CM and admins" in reply.last
    assert reply.forms == [] and chat.updates == [] and chat.dms == []
    with deps.db() as s:
        assert s.scalar(select(News.status)) == "new"


def test_admin_may_triage(deps, chat):
    submit(deps)
    admin, _ = as_user("admin")
    router.action(deps, admin, "news.approve", "1")
    assert len(chat.dms) == 1


def test_schedule_asks_a_date_then_stores_who_when_why(deps, chat):
    submit(deps)
    cm, reply = as_user("cm")
    router.action(deps, cm, "news.schedule", "1")
    form = reply.forms[0]
    assert form.form_id == "news.schedule" and form.state == "1" and form.fields[0].kind == "date"
    assert router.validate_form(deps, cm, "news.schedule", {"date": "2001-01-01"}, "") == {
        "date": "This date is in the past."
    }
    assert router.validate_form(deps, cm, "news.schedule", {"date": "31/02/2099"}, "") == {
        "date": "This date does not exist: 31/02/2099."  # not "wrong format": the day is impossible
    }
    assert "did not understand" in router.validate_form(deps, cm, "news.schedule", {"date": "bientôt"}, "")["date"]
    assert (
        router.validate_form(deps, cm, "news.schedule", {"date": "31/12/2099"}, "") == {}
    )  # as French speakers write it
    router.submit_form(deps, cm, "news.schedule", {"date": "31/12/2099", "note": "Avec la photo"}, form.state)
    with deps.db() as s:
        news = s.get(News, 1)
        event = s.scalars(select(NewsEvent).where(NewsEvent.kind == "scheduled")).one()
    assert (news.status, str(news.scheduled_for)) == ("scheduled", "2099-12-31")
    assert (event.actor_id, event.note) == ("cm", "Avec la photo") and event.at is not None
    assert "31 Dec 2099" in text_of(chat.dms[0][1]) and "Avec la photo" in text_of(chat.dms[0][1])


def test_reject_requires_a_reason(deps, chat):
    submit(deps)
    cm, reply = as_user("cm")
    router.action(deps, cm, "news.reject", "1")
    assert router.validate_form(deps, cm, "news.reject", {"note": "  "}, "") == {"note": "This field is required."}
    router.submit_form(deps, cm, "news.reject", {"note": "Déjà annoncé"}, "1")
    assert "Reason: Déjà annoncé" in text_of(chat.dms[0][1])
    assert chat.updates[-1][1].actions == []


def test_ask_for_info_then_the_submitters_answer_reaches_the_queue(deps, chat):
    submit(deps)
    cm, _ = as_user("cm")
    router.submit_form(deps, cm, "news.ask", {"note": "Quelle heure ?"}, "1")
    dm = chat.dms[0][1]
    assert "Quelle heure ?" in text_of(dm) and dm.actions[0].action_id == "news.answer"
    other, other_reply = as_user("other")
    router.action(deps, other, "news.answer", "1")
    assert "Only the person who sent" in other_reply.last
    leader, reply = as_user("leader")
    router.action(deps, leader, "news.answer", "1")
    assert reply.forms[0].form_id == "news.answer"
    router.submit_form(deps, leader, "news.answer", {"note": "14h"}, "1")
    assert "answer was passed on" in reply.last
    channel, answer, thread = chat.posts[-1]
    assert thread is not None and thread.message_id == "m1" and "14h" in text_of(answer)
    card = text_of(chat.updates[-1][1])
    assert "Quelle heure ?" in card and "14h" in card and "new" in card
    with deps.db() as s:
        assert s.scalar(select(News.status)) == "new"


def test_the_submitter_is_told_in_their_own_language(deps, chat):
    leader, _ = as_user("leader")
    router.command(deps, leader, "cm", "language fr")
    submit(deps)
    cm, _ = as_user("cm")
    router.action(deps, cm, "news.approve", "1")
    assert "a été approuvée par @cm" in text_of(chat.dms[0][1])
    assert "approved by @cm" in text_of(chat.updates[0][1])  # the queue stays in the team's language


def test_publish_after_approval_and_queue_lists_pending_oldest_first(deps, chat):
    submit(deps, "Premier")
    submit(deps, "Second")
    submit(deps, "Troisième")
    cm, reply = as_user("cm")
    router.action(deps, cm, "news.approve", "2")
    router.action(deps, cm, "news.publish", "2")
    router.command(deps, cm, "cm", "queue")
    head, *cards = [text_of(m) for m in reply.replies[-3:]]
    assert head == "News waiting for a decision: 2"  # both come with their buttons: no list repeats them
    assert ["Premier" in cards[0], "Troisième" in cards[1], "by @leader" in cards[0]] == [True, True, True]
    assert [b.action_id for b in reply.replies[-2].actions] == [
        "news.approve",
        "news.schedule",
        "news.ask",
        "news.reject",
    ]
    leader, leader_reply = as_user("leader")
    router.command(deps, leader, "cm", "queue")
    assert "Only the CM" in leader_reply.last


def test_a_long_queue_lists_every_item_then_the_oldest_with_their_buttons(deps, chat):
    for n in range(7):
        submit(deps, f"Item {n}")
    cm, reply = as_user("cm")
    router.command(deps, cm, "cm", "queue")
    listing, *cards = [text_of(m) for m in reply.replies]
    assert [listing.index(f"Item {n}") for n in range(7)] == sorted(listing.index(f"Item {n}") for n in range(7))
    assert listing.endswith("The 5 oldest below, with their buttons.")
    assert [next(f"Item {n}" for n in range(7) if f"Item {n}" in c) for c in cards] == [f"Item {n}" for n in range(5)]


def test_unknown_news_id_is_explained(deps):
    cm, reply = as_user("cm")
    router.action(deps, cm, "news.approve", "999")
    assert "no longer exists" in reply.last
