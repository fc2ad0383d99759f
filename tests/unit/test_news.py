"""Submitting news: quick text, the form, limits, and delivery when the platform is down."""

from __future__ import annotations

from sqlalchemy import func, select

from handlers.core import outbox, router
from handlers.core.tables import Outbox
from handlers.news.tables import News
from tests.unit.conftest import as_user, text_of


def count_news(deps) -> int:  # type: ignore[no-untyped-def]
    with deps.db() as s:
        return s.scalar(select(func.count()).select_from(News)) or 0


def test_quick_news_lands_in_queue_and_confirms(deps, chat):
    req, reply = as_user("leader")
    router.command(deps, req, "news", "Fête des bénévoles samedi 14h\nVenez nombreux au local !")
    channel, message, _thread = chat.posts[0]
    assert channel == "C-QUEUE"
    assert message.title == "📰 Fête des bénévoles samedi 14h"
    card = text_of(message)
    assert "Venez nombreux au local !" in card and "@leader" in card
    assert [b.label for b in message.actions] == ["Approve", "Schedule", "Ask for info", "Reject"]
    assert "Sent to the CM" in reply.last and "#1" in reply.last


def test_news_alone_opens_the_form(deps, chat):
    req, reply = as_user("leader")
    router.command(deps, req, "news", "   ")
    form = reply.forms[0]
    assert form.form_id == "news.submit"
    assert [f.name for f in form.fields] == ["title", "body", "category", "wished_date", "links"]
    assert [o.value for o in form.fields[2].options] == ["event", "achievement", "volunteers", "press", "other"]
    assert chat.posts == []


def test_too_long_title_is_refused_with_the_limit_and_the_text_given_back(deps, chat):
    req, reply = as_user("leader")
    title = "T" * 151
    router.command(deps, req, "news", title + "\nbody")
    assert "151 characters; the limit is 150" in reply.last
    assert "Nothing was saved" in reply.last and title in reply.last
    assert count_news(deps) == 0 and chat.posts == []


def test_too_long_body_is_refused(deps):
    req, reply = as_user("leader")
    router.command(deps, req, "news", "Title\n" + "b" * 3001)
    assert "The text has 3,001 characters; the limit is 3,000." in reply.last
    req, reply = as_user("leader")
    from dataclasses import replace

    from handlers.news import submit

    submit.quick_submit(deps, replace(req, language="fr"), "Titre\n" + "b" * 3569)  # as the router finds it
    assert "Le texte fait 3\u202f569 caractères\u202f; la limite est de 3\u202f000." in reply.last
    assert count_news(deps) == 0


def test_form_errors_name_the_field_and_store_nothing(deps):
    req, _reply = as_user("leader")
    errors = router.validate_form(
        deps,
        req,
        "news.submit",
        {"title": "", "category": "gossip", "wished_date": "2020-01-01", "links": "www.x.org"},
        "",
    )
    assert set(errors) == {"title", "category", "wished_date", "links"}
    assert "past" in errors["wished_date"] and "http" in errors["links"]
    assert count_news(deps) == 0


def test_form_submission_stores_every_field(deps, chat):
    req, reply = as_user("leader")
    values = {
        "title": "AG",
        "body": "Assemblée générale",
        "category": "event",
        "wished_date": "2099-03-01",
        "links": "https://asso.example/ag, https://asso.example/pv",
    }
    assert router.validate_form(deps, req, "news.submit", values, "") == {}
    router.submit_form(deps, req, "news.submit", values, "")
    with deps.db() as s:
        news = s.scalars(select(News)).one()
    assert (news.category, str(news.wished_date), news.links) == (
        "event",
        "2099-03-01",
        "https://asso.example/ag https://asso.example/pv",
    )
    card = text_of(chat.posts[0][1])
    assert "Event" in card and "1 Mar 2099" in card


def test_platform_down_keeps_the_news_and_delivers_later(deps, chat):
    req, reply = as_user("leader")
    chat.down = True
    router.command(deps, req, "news", "Collecte de jouets")
    assert "Saved as #1" in reply.last and "Sent" not in reply.last
    assert count_news(deps) == 1
    chat.down = False
    with deps.db.begin() as s:  # the retry is due now rather than after its back-off
        s.execute(Outbox.__table__.update().values(claimed_until=None))
    outbox.deliver(deps)
    assert chat.posts[0][1].title == "📰 Collecte de jouets"
    assert "has now reached the CM" in text_of(chat.dms[0][1])
    outbox.deliver(deps)  # nothing owed any more: no second post, no second DM
    assert len(chat.posts) == 1 and len(chat.dms) == 1


def test_news_mine_lists_my_items_only(deps):
    leader, reply = as_user("leader")
    other, _ = as_user("other")
    router.command(deps, leader, "news", "Mine de rien")
    router.command(deps, other, "news", "Not mine")
    router.command(deps, leader, "news", "mine")
    assert "Mine de rien" in reply.last and "Not mine" not in reply.last and "new" in reply.last


def test_a_quoted_value_is_quoted_on_every_line():
    from handlers.core.messages import Md
    from tests.unit.conftest import PLAIN

    assert (
        PLAIN.render(Md.of("Votre texte :\n> {t}\nFin", t="ligne 1\n\nligne 3"))
        == "Votre texte :\n> ligne 1\n> \n> ligne 3\nFin"
    )


def test_dates_are_read_as_people_type_them_and_said_back(deps):
    from datetime import timedelta

    from handlers.core.dates import read_date, write_day_in_full

    tz = deps.team.timezone
    today = deps.today()
    assert read_date("demain", tz, "fr", today) == (today + timedelta(days=1), "")
    saturday, problem = read_date("samedi", tz, "fr", today)
    assert problem == "" and saturday is not None and saturday.weekday() == 5 and 0 < (saturday - today).days <= 7
    assert read_date("next friday", tz, "en", today)[0].weekday() == 4  # type: ignore[union-attr]
    assert read_date("12/12/2099", tz, "en", today)[0] == read_date("2099-12-12", tz, "en", today)[0]
    assert read_date("12 décembre 2099", tz, "fr", today)[0] == read_date("2099-12-12", tz, "en", today)[0]
    assert write_day_in_full(read_date("2099-12-12", tz, "fr", today)[0], "fr") == "samedi 12 décembre 2099"  # type: ignore[arg-type]
    assert read_date("2026-02-30", tz, "en", today) == (None, "This date does not exist: 2026-02-30.")
