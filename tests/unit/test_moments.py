"""Times as people say them, in French and English, read from the injected clock."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from handlers.core import router
from handlers.core.dates import read_moment
from tests.unit.conftest import as_user

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)  # Tuesday 1 December 2026, 9:00 in Paris


@pytest.mark.parametrize(
    ("typed", "lang", "meant"),
    [
        ("dans 2 heures", "fr", "2026-12-01 11:00"),
        ("dans 2h", "fr", "2026-12-01 11:00"),
        ("dans 30 min", "fr", "2026-12-01 09:30"),
        ("in 2 hours", "en", "2026-12-01 11:00"),
        ("in 90 minutes", "en", "2026-12-01 10:30"),
        ("ce soir 20h", "fr", "2026-12-01 20:00"),
        ("ce soir 8h", "fr", "2026-12-01 20:00"),
        ("ce soir", "fr", "2026-12-01 20:00"),
        ("tonight 8pm", "en", "2026-12-01 20:00"),
        ("demain midi", "fr", "2026-12-02 12:00"),
        ("tomorrow noon", "en", "2026-12-02 12:00"),
        ("mardi prochain 10h", "fr", "2026-12-08 10:00"),
        ("next tuesday 10am", "en", "2026-12-08 10:00"),
        ("demain 9h", "fr", "2026-12-02 09:00"),
        ("12/12 14:30", "fr", "2026-12-12 14:30"),
        ("1er janvier 10h", "fr", "2027-01-01 10:00"),
        ("aujourd'hui 15h", "fr", "2026-12-01 15:00"),
    ],
)
def test_times_as_people_say_them(typed, lang, meant):
    moment, problem = read_moment(typed, PARIS, lang, NOW)
    assert problem == "" and moment is not None
    assert moment.astimezone(PARIS).strftime("%Y-%m-%d %H:%M") == meant


def test_what_is_not_understood_gets_examples_with_a_time():
    assert read_moment("n'importe quand", PARIS, "en", NOW) == (
        None,
        "I did not understand this moment; write it like tomorrow 9am, in 2 hours, tuesday 6pm or 12/12 14:30.",
    )
    assert read_moment("31/02 10h", PARIS, "en", NOW) == (None, "This date does not exist: 31/02.")
    assert read_moment("ce matin 8h", PARIS, "fr", NOW)[0] is None  # already past


def test_a_person_typed_with_or_without_at_is_found_or_refused_by_name(deps):
    leader, reply = as_user("leader")
    values = {"target": "person", "person": "@cm", "text": "Relire", "when": "demain 9h", "repeat": "never"}
    assert router.validate_form(deps, leader, "reminders.new", values, "") == {}
    router.submit_form(deps, leader, "reminders.new", values, "")
    assert "for @cm" in reply.last and "@@cm" not in reply.last


def test_a_reminder_moved_off_a_public_holiday_says_which(deps):
    from dataclasses import replace

    deps = replace(deps, team=replace(deps.team, holidays_country="FR"), clock=lambda: NOW)
    leader, reply = as_user("leader")
    values = {"target": "me", "text": "Vœux", "when": "25/12 10h", "repeat": "never"}
    router.submit_form(deps, leader, "reminders.new", values, "")
    assert "first on Monday 28 December 2026 at 10:00" in reply.last
    assert "Friday 25 December 2026 is a public holiday (Christmas Day)" in reply.last
    assert ": once," in reply.last


def test_french_says_the_first_of_a_month_1er():
    from datetime import date

    from handlers.core.dates import write_day, write_day_in_full, write_moment_in_full

    assert write_day_in_full(date(2026, 12, 1), "fr") == "mardi 1er décembre 2026"
    assert write_day_in_full(date(2026, 12, 11), "fr") == "vendredi 11 décembre 2026"
    assert write_day(date(2027, 1, 1), "fr") == "1er janv. 2027"
    assert write_moment_in_full(NOW, PARIS, "fr") == "mardi 1er décembre 2026 à 09:00"
    assert write_day_in_full(date(2026, 12, 1), "en") == "Tuesday 1 December 2026"


def test_a_reminder_moved_off_a_holiday_is_not_missed_the_next_working_day():
    """Easter Monday 2027, 9:00: it goes out on Tuesday 9:00, and a ticker that first ticks
    on Tuesday still sends it (the grace runs from when it goes out, not from the holiday)."""
    from apscheduler.triggers.date import DateTrigger

    from handlers.core.schedule import GRACE, last_due

    monday = datetime(2027, 3, 29, 9, 0, tzinfo=PARIS)
    tuesday = datetime(2027, 3, 30, 9, 0, tzinfo=PARIS)
    for now in (monday, tuesday.replace(minute=1)):
        assert last_due(DateTrigger(run_date=monday), now, PARIS, grace=GRACE, holidays_country="FR") == tuesday
    later = datetime(2027, 3, 31, 9, 0, tzinfo=PARIS)  # Relais was stopped for a day past it: not sent late
    assert last_due(DateTrigger(run_date=monday), later, PARIS, grace=GRACE, holidays_country="FR") is None


@pytest.mark.parametrize(
    ("typed", "lang", "meant", "repeat"),
    [
        ("tous les lundis 9h", "fr", "2026-12-07 09:00", "weekly"),
        ("chaque mardi à 10h", "fr", "2026-12-01 10:00", "weekly"),
        ("every friday at 6pm", "en", "2026-12-04 18:00", "weekly"),
        ("tous les jours 8h", "fr", "2026-12-02 08:00", "daily"),  # 8:00 today is past: tomorrow's
        ("tous les jours à 18h", "fr", "2026-12-01 18:00", "daily"),
        ("every day", "en", "2026-12-02 09:00", "daily"),
        ("en semaine 8h30", "fr", "2026-12-02 08:30", "workdays"),
        ("tous les mois le 15 10h", "fr", "2026-12-15 10:00", "monthly"),
        ("demain 9h", "fr", "2026-12-02 09:00", None),
    ],
)
def test_a_rhythm_said_with_the_first_time_is_read(typed, lang, meant, repeat):
    from handlers.core.dates import read_rhythm

    moment, rhythm, problem = read_rhythm(typed, PARIS, lang, NOW)
    assert problem == "" and moment is not None
    assert (moment.astimezone(PARIS).strftime("%Y-%m-%d %H:%M"), rhythm) == (meant, repeat)


def test_tous_les_lundis_9h_makes_a_weekly_reminder_and_a_disagreeing_repeat_is_said(deps):
    from dataclasses import replace

    from sqlalchemy import select

    from handlers.reminders.tables import Reminder

    deps = replace(deps, clock=lambda: NOW)
    leader, reply = as_user("leader")
    values = {"target": "me", "text": "Relire la file", "when": "tous les lundis 9h", "repeat": "never"}
    assert router.validate_form(deps, leader, "reminders.new", values, "") == {}
    router.submit_form(deps, leader, "reminders.new", values, "")
    assert "every week, first on Monday 7 December 2026 at 09:00" in reply.last
    with deps.db() as s:
        assert [(r.repeat, r.text) for r in s.scalars(select(Reminder))] == [("weekly", "Relire la file")]
    assert router.validate_form(deps, leader, "reminders.new", {**values, "repeat": "daily"}, "") == {
        "repeat": "“tous les lundis 9h” says every week, Repeat says every day: keep one of them."
    }


def test_a_monthly_day_already_past_this_month_is_next_months():
    from handlers.core.dates import read_rhythm

    moment, rhythm, _problem = read_rhythm("tous les mois le 1er 10h", PARIS, "fr", NOW.replace(day=20))
    assert (moment and moment.astimezone(PARIS).strftime("%Y-%m-%d %H:%M"), rhythm) == ("2027-01-01 10:00", "monthly")
