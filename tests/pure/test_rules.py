"""The pure rules, with no database and no platform: triage transitions, charter
parsing, schedule arithmetic, topic matching, and use cases that need no session,
run on a FakeUnitOfWork. The whole file runs in well under a second."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from handlers.charters import edit as charters
from handlers.core import guide
from handlers.core.context import Request
from handlers.core.registry import SettingError
from handlers.core.schedule import GRACE, cron, last_due, read_schedule, whole_number
from handlers.features import registry
from handlers.news.triage import TRANSITIONS
from handlers.reminders import away
from handlers.role.answer import parse
from handlers.topics.sensitive import matcher
from handlers.topics.tables import Topic
from tests.pure.fakes import FakeUnitOfWork
from tests.unit.conftest import RecordingReply

FEATURES = registry()

PARIS = ZoneInfo("Europe/Paris")


def request(user: str = "leader", *, cm: bool = False) -> tuple[Request, RecordingReply]:
    reply = RecordingReply()
    return Request(user_id=user, reply=reply, language="en", cm=cm), reply


@pytest.mark.parametrize(
    ("action", "status", "allowed"),
    [("approve", "new", True), ("approve", "rejected", False), ("publish", "new", False),
     ("publish", "scheduled", True), ("answer", "needs_info", True), ("ask", "approved", False)],
)  # fmt: skip
def test_triage_moves_only_from_the_statuses_it_may_come_from(action, status, allowed):
    assert (status in TRANSITIONS[action][1]) is allowed


def test_a_role_charter_reads_its_lines_synonyms_and_where_to_go():
    intro, lines = parse("The CM:\n+ posts (publications)\n- the website -> the webmaster\n")
    assert intro == ["The CM:"]
    assert [(line.in_scope, line.what, line.where, line.synonyms) for line in lines] == [
        (True, "posts", "", "publications"),
        (False, "the website", "the webmaster", ""),
    ]


def test_a_schedule_setting_is_read_as_cron_reads_it_or_refused_in_one_line():
    assert read_schedule("mon-fri 9 0", str) == ("mon-fri", 9, 0) and read_schedule("", str) is None
    with pytest.raises(SettingError, match="expected 'days hour minute'"):
        read_schedule("friday at ten", str)
    assert whole_number(1)("0", str) == 1
    with pytest.raises(SettingError, match="whole number"):
        whole_number()("two", str)


def test_a_reminder_on_a_public_holiday_goes_out_the_next_working_day():
    christmas_10 = datetime(2026, 12, 25, 10, 30, tzinfo=PARIS)
    fired = last_due(cron(("fri", 10, 0), PARIS), christmas_10 + timedelta(days=3), PARIS, grace=GRACE,
                     holidays_country="FR")  # fmt: skip
    assert fired is not None and fired.date().isoformat() == "2026-12-28"


def test_topics_match_whole_words_whatever_case_accents_or_plural():
    match = matcher([Topic(name="Fusion des antennes", keywords="fusion, regroupement")])
    assert match("Les FUSIONS, quelle honte") == ["Fusion des antennes"]
    assert match("Une confusion") == []


def test_help_and_usage_need_no_database():
    uow = FakeUnitOfWork()
    req, reply = request()
    guide.show(req, FEATURES)
    assert "/news" in reply.last and "(CM)" not in reply.last
    cm, cm_reply = request("cm", cm=True)
    guide.show(cm, FEATURES)
    assert "(CM)" in cm_reply.last
    away.usage(uow, cm, "")
    assert "/cm away until" in cm_reply.last


def test_a_charter_form_is_checked_in_bytes_without_a_database():
    uow, (req, _reply) = FakeUnitOfWork(), request("cm", cm=True)
    assert charters.validate(uow, req, {"text": " "}) == {"text": "The charter cannot be empty."}
    too_long = charters.validate(uow, req, {"text": "é" * 1600})
    assert "Too long by about 200" in too_long["text"]


def test_a_link_is_compared_as_people_paste_it():
    from handlers.moderation.links import link_key

    same = {
        "https://www.facebook.com/asso/posts/123",
        "HTTPS://WWW.Facebook.COM/asso/posts/123/",
        "https://www.facebook.com/asso/posts/123?utm_source=share&fbclid=abc#comments",
        "https://www.facebook.com:443/asso/posts/123?mibextid=xyz",
    }
    assert {link_key(link) for link in same} == {"https://www.facebook.com/asso/posts/123"}
    assert link_key("https://x.com/a/status/9?lang=fr") != link_key("https://x.com/a/status/9")  # not tracking
    assert link_key("https://x.com/A/status/9") != link_key("https://x.com/a/status/9")  # a path keeps its case
    assert link_key("") is None and link_key("vu sur le groupe") == "vu sur le groupe"


def test_a_slack_message_is_read_as_a_person_reads_it():
    from bot.platforms.slack_blocks import plain_text

    text = "Voir <https://asso.example.org/fete?a=1&amp;b=2|la page> et <https://x.com/a> &lt;3 <@U1> <#C1|general> <!here>"
    assert (
        plain_text(text)
        == "Voir la page (https://asso.example.org/fete?a=1&b=2) et https://x.com/a <3 @U1 #general @here"
    )
