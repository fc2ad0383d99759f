"""A direct message to Relais: the role answer when it is about the CM's role, else an
offer to send it to the CM as news, the form prefilled with what was written."""

from __future__ import annotations

from handlers.core import router
from tests.unit.conftest import as_user, text_of

MESSAGE = "Loto du club le 12 décembre\nVenez nombreux, https://club.example.org/loto?x=1 !"


def test_a_role_question_in_a_direct_message_gets_the_role_answer(deps):
    leader, reply = as_user("leader")
    router.direct_message(deps, leader, "can you fix the printer?")
    assert "the secretariat" in reply.last and reply.forms == []


def test_anything_else_is_offered_to_the_cm_as_news_with_the_form_prefilled(deps, chat):
    leader, reply = as_user("leader")
    router.direct_message(deps, leader, MESSAGE)
    offer = reply.replies[-1]
    assert "Shall I send this to the CM as news?" in text_of(offer)
    send, no = offer.actions
    router.action(deps, leader, send.action_id, send.value)
    form = reply.forms[-1]
    values = {f.name: f.initial for f in form.fields}
    assert form.form_id == "news.submit"
    assert values["title"] == "Loto du club le 12 décembre"
    assert values["body"] == "Venez nombreux, https://club.example.org/loto?x=1 !"  # the link as typed
    router.submit_form(deps, leader, "news.submit", {**values, "category": "event"}, "")
    assert [c for c, _m, _t in chat.posts] == ["C-QUEUE"] and "Loto du club" in text_of(chat.posts[0][1])

    router.direct_message(deps, leader, "Juste pour dire merci")
    _send, no = reply.replies[-1].actions
    router.action(deps, leader, no.action_id, no.value)
    assert reply.last == "👍 Nothing was sent." and len(chat.posts) == 1
    router.action(deps, leader, "newsform.dm", no.value)  # the message was forgotten with "No thanks"
    assert "no longer kept" in reply.last


def test_a_long_first_line_is_cut_for_the_title_and_the_text_kept_whole(deps):
    leader, reply = as_user("leader")
    long_line = "Nous organisons " + "une très grande fête " * 10
    router.direct_message(deps, leader, long_line)
    send = reply.replies[-1].actions[0]
    router.action(deps, leader, send.action_id, send.value)
    values = {f.name: f.initial for f in reply.forms[-1].fields}
    assert len(values["title"]) <= 150 and values["title"].endswith("…") and values["body"] == long_line.strip()


def test_a_message_sent_on_from_its_menu_keeps_its_author_and_its_link(deps, chat):
    from handlers.core.registry import Quoted

    leader, reply = as_user("leader")
    quoted = Quoted("Fête du quartier samedi\nInscriptions : https://asso.example.org/fete", "bob", "C-LEADERS", "17.5")
    router.shortcut(deps, leader, "send_to_cm", quoted)
    form = reply.forms[-1]
    values = {f.name: f.initial for f in form.fields}
    assert values["title"] == "Fête du quartier samedi" and "https://asso.example.org/fete" in values["body"]
    router.submit_form(deps, leader, "news.submit", {**values, "category": "event"}, form.state)
    card = text_of(chat.posts[-1][1])
    assert "From: @leader" in card and "Message by: @bob" in card
    assert "Original message: https://chat.example.org/C-LEADERS/p17.5" in card
    router.shortcut(deps, leader, "news_for_cm", None)
    assert all(not f.initial for f in reply.forms[-1].fields if f.name in ("title", "body"))
    router.shortcut(deps, leader, "report_comment", None)
    assert reply.forms[-1].form_id == "reports.new"


def test_a_permalink_in_news_or_a_direct_message_opens_the_form_from_that_message(deps, chat):
    from handlers.core.ports import Quoted

    chat.messages["abc"] = Quoted("Kermesse dimanche\nStands à partir de 10h", "bob", "C-LEADERS", "abc")
    link = "https://chat.example.org/asso/pl/abc"
    leader, reply = as_user("leader")
    router.command(deps, leader, "news", f"Pour la lettre : {link}")
    form = reply.forms[-1]
    values = {f.name: f.initial for f in form.fields}
    assert values["title"] == "Kermesse dimanche" and values["body"] == "Pour la lettre :\n\nStands à partir de 10h"
    router.submit_form(deps, leader, "news.submit", {**values, "category": "event"}, form.state)
    card = text_of(chat.posts[-1][1])
    assert "Message by: @bob" in card and f"Original message: {link}" in card

    router.command(deps, leader, "news", "Regardez https://chat.example.org/asso/pl/secret")  # a channel without Relais
    assert "I could not read the message behind https://chat.example.org/asso/pl/secret" in text_of(reply.replies[-2])
    assert "Sent to the CM" in reply.last and len(chat.posts) == 2  # sent as typed, the link kept

    router.direct_message(deps, leader, link)
    send = reply.replies[-1].actions[0]
    router.action(deps, leader, send.action_id, send.value)
    assert {f.name: f.initial for f in reply.forms[-1].fields}["title"] == "Kermesse dimanche"
