"""Any member reports a negative comment; the CM handles it; the reporter is told once."""

from __future__ import annotations

from sqlalchemy import select

from handlers.core import jobs, outbox, router
from handlers.moderation.tables import EntryReport, ModerationEntry
from handlers.recap import weekly as recap
from handlers.recap.data import week_of
from tests.unit.conftest import as_user, done, text_of

LINK = "https://www.facebook.com/asso/posts/123"
VALUES = {"network": "facebook", "link": LINK, "excerpt": "Encore une honte, cette fusion", "note": "vu ce matin"}


def test_a_member_reports_the_cm_handles_and_the_reporter_is_told_once(deps, chat):
    leader, reply = as_user("leader")
    router.command(deps, leader, "cm", "report")
    assert [f.form_id for f in reply.forms] == ["reports.new"]
    assert router.validate_form(deps, leader, "reports.new", {**VALUES, "excerpt": " "}, "") != {}
    router.submit_form(deps, leader, "reports.new", VALUES, "")
    assert "reported to the CM as #1" in reply.last
    channel, card, _thread = chat.posts[-1]
    assert channel == "C-QUEUE" and "Reported by: @leader — “vu ce matin”" in text_of(card)
    assert "[Replied]" in text_of(card)  # the CM handles it from the card

    member, member_reply = as_user("member")  # the same comment, pasted another way
    router.submit_form(deps, member, "reports.new", {**VALUES, "link": "HTTPS://WWW.FACEBOOK.COM/asso/posts/123/?utm_source=share&fbclid=x", "note": ""}, "")  # fmt: skip
    assert "already reported (#1)" in member_reply.last
    with deps.db() as s:
        assert s.scalar(select(ModerationEntry.link)) == LINK  # stored as typed by the first reporter
        assert len(s.scalars(select(ModerationEntry)).all()) == 1
        assert sorted(s.scalars(select(EntryReport.reporter_id))) == ["leader", "member"]
    assert "@leader — “vu ce matin”, @member" in text_of(chat.updates[-1][1])

    router.command(deps, member, "cm", "report mine")
    assert "#1 Facebook — ⏳ pending" in member_reply.last
    cm, _cm_reply = as_user("cm")
    router.action(deps, leader, "moderation.replied", "1")  # a member cannot handle it
    jobs.run_due(deps)
    assert chat.dms == []
    router.action(deps, cm, "moderation.replied", "1")
    for _ in range(2):  # the next ticks owe nothing more
        jobs.run_due(deps)
        outbox.deliver(deps)
    told = sorted((user, text_of(m)) for user, m in chat.dms)
    assert [u for u, _m in told] == ["leader", "member"]
    assert "was handled by the CM: 💬 replied" in told[0][1]


def test_anyone_may_report_and_the_recap_thanks_the_reporters_by_number(deps):
    for who, link in (("leader", LINK), ("member", LINK + "/"), ("member", "https://x.com/a/status/9")):
        req, _reply = as_user(who)
        router.submit_form(deps, req, "reports.new", {**VALUES, "link": link}, "")
    week = week_of(deps.today())
    main, _follow, _csv = recap.messages(done(recap.build_recap, deps, week), "en", deps.clock())
    assert "Reported by members: 2, by 2 members. Thank you!" in text_of(main)
