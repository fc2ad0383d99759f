"""Topics, charters and the moderation log, through the same router the platforms call."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import select, update

from handlers.core import inbox, router
from handlers.core.tables import Inbox
from handlers.core.uow import SqlUnitOfWork
from handlers.moderation import retention
from handlers.moderation.export import export_rows
from handlers.moderation.spreadsheet import import_rows
from handlers.moderation.tables import ModerationEntry, ModerationEvent
from tests.unit.conftest import as_user, done, text_of

ENTRY = {
    "network": "facebook",
    "link": "https://facebook.com/p/1",
    "author": "Jean Dupont",
    "excerpt": "Honteux, cette fusion des antennes !",
    "severity": "high",
    "handling": "pending",
    "note": "",
}


def add_topic(deps, text="Fusion des antennes: fusion, regroupement, antenne"):  # type: ignore[no-untyped-def]
    cm, reply = as_user("cm")
    router.command(deps, cm, "cm", f"topics add {text}")
    return reply


def log_entry(deps, **changes):  # type: ignore[no-untyped-def]
    cm, reply = as_user("cm")
    values = {**ENTRY, **changes}
    assert router.validate_form(deps, cm, "moderation.log", values, "") == {}
    router.submit_form(deps, cm, "moderation.log", values, "")
    return reply


def test_topics_are_listed_added_merged_and_removed_by_the_cm_only(deps):
    leader, leader_reply = as_user("leader")
    router.command(deps, leader, "cm", "topics add Budget: budget")
    assert "Only the CM and admins can change" in leader_reply.last
    assert "Sensitive topic ⚠ Fusion des antennes" in add_topic(deps).last
    add_topic(deps, "fusion des ANTENNES: rapprochement")  # same name, other case: keywords merged
    router.command(deps, leader, "cm", "topics")
    assert "⚠ Fusion des antennes — fusion, regroupement, antenne, rapprochement" in leader_reply.last
    cm, reply = as_user("cm")
    router.command(deps, cm, "cm", "topics remove Fusion des Antennes")
    assert "removed" in reply.last
    router.command(deps, cm, "cm", "topics")
    assert "No sensitive topic yet" in reply.last


def test_topic_matching_ignores_case_accents_plurals_and_needs_whole_words(deps, chat):
    add_topic(deps, "Élections: élection, vote")
    add_topic(deps, "Fusion des antennes: regroupement")
    leader, _ = as_user("leader")
    router.command(deps, leader, "news", "Compte rendu des ELECTIONS\nLe regroupement des antennes avance")
    card = text_of(chat.posts[0][1])
    assert "⚠ Élections" in card and "⚠ Fusion des antennes" in card
    router.command(
        deps, leader, "news", "Devotion\nvoter n'est pas vote-r"
    )  # 'vote' only inside other words... and once alone
    assert "⚠ Élections" in text_of(chat.posts[1][1])
    router.command(deps, leader, "news", "Devotion et antennes-relais")
    assert "Sensitive topics" not in text_of(chat.posts[2][1])


def test_charters_show_defaults_edit_with_versions_and_history(deps):
    leader, reply = as_user("leader")
    router.command(deps, leader, "cm", "charter")
    shown = [text_of(m) for m in reply.replies]
    assert "Moderation charter" in shown[0] and "criticism of the association" in shown[0]
    assert "Speaking charter" in shown[1] and "Default text" in shown[1]
    router.command(deps, leader, "cm", "charter edit moderation")
    assert "Only the CM and admins can edit" in reply.last and reply.forms == []
    cm, cm_reply = as_user("cm")
    router.command(deps, cm, "cm", "charter edit")
    assert "Which charter?" in cm_reply.last
    router.command(deps, cm, "cm", "charter moderation edit")
    form = cm_reply.forms[0]
    assert form.form_id == "charter.moderation" and "We moderate after publication" in form.fields[0].initial
    router.submit_form(deps, cm, "charter.moderation", {"text": "Nous modérons tout."}, form.state)
    router.submit_form(deps, cm, "charter.moderation", {"text": "Nous modérons après publication."}, form.state)
    assert "Moderation charter saved (version 2)" in cm_reply.last
    router.command(deps, leader, "cm", "charter moderation")
    assert "Nous modérons après publication." in reply.last and "Version 2" in reply.last
    router.command(deps, leader, "cm", "charter moderation history")
    assert "version 1 by @cm" in reply.last and "version 2 by @cm" in reply.last
    router.command(deps, leader, "cm", "charter speaking history")
    assert "default text is in force" in reply.last


def test_a_charter_saved_unchanged_says_so_and_adds_no_version(deps):
    from handlers.charters.tables import Charter

    cm, reply = as_user("cm")
    router.command(deps, cm, "cm", "charter edit speaking")
    default = reply.forms[0].fields[0].initial
    router.submit_form(deps, cm, "charter.speaking", {"text": default + "\n"}, reply.forms[0].state)
    assert reply.last == "ℹ️ Nothing changed: the default text stays in force."
    router.submit_form(deps, cm, "charter.speaking", {"text": "Le bureau parle."}, reply.forms[0].state)
    router.submit_form(deps, cm, "charter.speaking", {"text": " Le bureau parle. "}, reply.forms[0].state)
    assert reply.last == "ℹ️ Nothing changed: the text is the one in force (version 1); no version was added."
    with deps.db() as s:
        assert [c.text for c in s.scalars(select(Charter))] == ["Le bureau parle."]


def test_logging_an_entry_posts_a_card_with_topics_and_buttons(deps, chat):
    add_topic(deps)
    reply = log_entry(deps)
    assert "Logged as #1" in reply.last
    channel, card, _ = chat.posts[0]
    assert channel == "C-QUEUE"
    text = text_of(card)
    assert "Negative message #1 — Facebook" in text and "Honteux" in text and "⚠ Fusion des antennes" in text
    assert "Jean Dupont" in text and "pending" in text
    assert [b.label for b in card.actions] == ["Replied", "Hidden", "Deleted", "Escalated", "Ignored…", "Note…"]


def test_the_form_refuses_bad_values_field_by_field_and_stores_nothing(deps):
    cm, reply = as_user("cm")
    router.command(deps, cm, "cm", "log")
    assert reply.forms[0].form_id == "moderation.log"
    errors = router.validate_form(
        deps,
        cm,
        "moderation.log",
        {
            "network": "myspace",
            "excerpt": " ",
            "severity": "apocalyptic",
            "handling": "ignored",
            "reason": "",
            "link": "facebook.com/x",
        },
        "",
    )
    assert set(errors) == {"network", "excerpt", "severity", "reason", "link"}
    assert router.validate_form(deps, cm, "moderation.log", {**ENTRY, "handling": "banished"}, "") == {
        "handling": "Choose a handling from the list."
    }
    with deps.db() as s:
        assert s.scalars(select(ModerationEntry)).all() == []


def test_only_the_cm_logs_and_changes_entries(deps, chat):
    log_entry(deps)
    leader, reply = as_user("leader")
    router.command(deps, leader, "cm", "log")
    router.action(deps, leader, "moderation.replied", "1")
    router.command(deps, leader, "cm", "log list")
    assert all("Only the CM and admins can use the moderation log" in text_of(m) for m in reply.replies)
    assert reply.forms == [] and chat.updates == []


def test_handling_changes_update_the_card_once_and_keep_who_when_note(deps, chat):
    log_entry(deps)
    cm, reply = as_user("cm")
    router.action(deps, cm, "moderation.replied", "1")
    router.action(deps, cm, "moderation.replied", "1")  # double click
    assert len(chat.updates) == 1 and "Nothing changed: #1 is already 💬 replied" in reply.last
    router.action(deps, cm, "moderation.ignored", "1")
    form = reply.forms[-1]
    assert form.form_id == "moderation.change" and form.fields[0].initial == "ignored"
    assert router.validate_form(deps, cm, "moderation.change", {"handling": "ignored", "reason": ""}, "") == {
        "reason": "Say why this message is ignored."
    }
    router.submit_form(
        deps,
        cm,
        "moderation.change",
        {"handling": "ignored", "reason": "Troll connu", "note": "Vu avec le bureau"},
        form.state,
    )
    card = text_of(chat.updates[-1][1])
    assert "ignored — Troll connu" in card and "Vu avec le bureau" in card and "replied by @cm" in card
    with deps.db() as s:
        events = s.scalars(select(ModerationEvent).order_by(ModerationEvent.id)).all()
    assert [(e.handling, e.actor_id, e.note) for e in events] == [
        ("pending", "cm", ""),
        ("replied", "cm", ""),
        ("ignored", "cm", "Vu avec le bureau"),
    ]


def test_log_list_and_open_entries(deps):
    log_entry(deps, excerpt="Premier")
    log_entry(deps, excerpt="Deuxième", handling="replied")
    cm, reply = as_user("cm")
    router.command(deps, cm, "cm", "log list")
    assert "Premier" in reply.last and "Deuxième" in reply.last
    router.command(deps, cm, "cm", "log list open")
    assert "Premier" in reply.last and "Deuxième" not in reply.last


def test_csv_import_reports_bad_rows_by_line_and_loads_the_rest(deps, tmp_path):
    source = tmp_path / "log.csv"
    source.write_text(
        "seen_at,network,link,author,excerpt,severity,handling,reason,note\n"
        "2026-11-02,Facebook,,Marie,Nul,low,replied,,\n"
        "2026-11-03,myspace,,,Bof,low,pending,,\n"
        "2026-11-04,instagram,,,Mauvais,,ignored,,\n"
        "2026-13-01,x,,,Date fausse,,,,\n"
        '2026-11-05T14:30,X,https://x.com/1,Paul,"Texte, avec virgule",high,,,\n',
        encoding="utf-8",
    )
    loaded, problems, _already = import_rows(SqlUnitOfWork(deps), "import", source)
    assert loaded == 2
    assert [line for line, _ in problems] == [3, 4, 5]
    assert "network" in problems[0][1] and "reason" in problems[1][1] and "seen_at" in problems[2][1]
    assert "seen_at: This date does not exist: 2026-13-01." in problems[2][1]
    out = io.StringIO()
    assert export_rows(SqlUnitOfWork(deps), None, out) == 2
    exported = out.getvalue()
    assert "Texte, avec virgule" in exported and "2026-11-05 14:30:00" in exported  # the team's local time


def test_csv_without_the_needed_columns_is_refused_whole(deps, tmp_path):
    (tmp_path / "what.csv").write_text("what,ever\n1,2\n", encoding="utf-8")
    loaded, problems, _already = import_rows(SqlUnitOfWork(deps), "import", tmp_path / "what.csv")
    assert loaded == 0 and "missing columns: network, excerpt" in problems[0][1]


def test_forget_and_retention_remove_author_and_link_keep_the_rest(deps, chat):
    log_entry(deps, author="Jean Dupont")
    log_entry(deps, author="jean  dupont", excerpt="Encore")
    log_entry(deps, author="Marie")
    assert done(retention.forget_author, deps, " JEAN   DUPONT ") == 2  # case and spaces do not matter
    with deps.db() as s:
        entries = s.scalars(select(ModerationEntry).order_by(ModerationEntry.id)).all()
    assert [(e.author, e.link is None, e.handling) for e in entries] == [
        (None, True, "pending"),
        (None, True, "pending"),
        ("Marie", False, "pending"),
    ]
    assert "erased at the person's request" in text_of(chat.updates[-1][1])  # cards updated too
    assert done(retention.forget_author, deps, "Jean Dupont") == 0
    assert done(retention.expire, deps, 365) == 0
    with deps.db.begin() as s:  # Marie's entry was seen 400 days ago
        s.execute(
            update(ModerationEntry).where(ModerationEntry.id == 3).values(seen_at=deps.clock() - timedelta(days=400))
        )
    with deps.db.begin() as s:  # a retried delivery remembered 8 days ago, and one from today
        s.add(Inbox(key="old", kind="mention", processed_at=deps.clock() - timedelta(days=8)))
        s.add(Inbox(key="new", kind="mention", processed_at=deps.clock()))
    assert done(retention.expire, deps, 365) == 1
    with deps.db.begin() as s:
        inbox.prune(s, deps.clock())
    with deps.db() as s:
        assert s.get(ModerationEntry, 3).author is None
        assert s.scalars(select(Inbox.key)).all() == ["new"]


def test_topics_need_a_name_a_colon_and_keywords_each_once(deps):
    for typed in ("Budget", "Budget:", "Budget: , ,", ": budget"):
        assert "Give a name, then the keywords" in add_topic(deps, typed).last, typed
    assert (
        "keywords: subvention, Élections"
        in add_topic(deps, "Budget: subvention, Élections, SUBVENTION, elections").last
    )
    assert "keywords: subvention, Élections, trésorerie" in add_topic(deps, "budget: Subvention, trésorerie").last
    cm, reply = as_user("cm")
    router.command(deps, cm, "cm", "topics remove")
    assert "Which topic? Give its name" in reply.last


def test_extra_words_after_cm_log_get_its_usage(deps):
    cm, reply = as_user("cm")
    router.command(deps, cm, "cm", "log foo")
    router.command(deps, cm, "cm", "log list foo")
    assert [("I do not know “/cm log foo”" in text_of(m)) for m in reply.replies] == [True, False]
    assert "I do not know “/cm log list foo”" in text_of(reply.replies[1]) and "/cm log list [open]" in reply.last
    assert reply.forms == []


def test_the_export_carries_each_entrys_handling_history(deps):
    log_entry(deps, author="Jean")
    cm, _reply = as_user("cm")
    router.submit_form(deps, cm, "moderation.change", {"handling": "replied", "note": "Répondu en public"}, "1")
    out = io.StringIO()
    export_rows(SqlUnitOfWork(deps), None, out)
    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    first, second = row["history"].splitlines()
    assert first.endswith(" cm pending") and second.endswith(" cm replied — Répondu en public")


def test_the_export_carries_each_members_word_for_the_cm(deps):
    for user, word in (("lea", "Il insulte les bénévoles"), ("tom", "")):
        member, _reply = as_user(user)
        router.submit_form(deps, member, "reports.new", {"network": "facebook", "link": "https://fb.example/p/9",
                                                         "excerpt": "Bande de nuls", "note": word}, "")  # fmt: skip
    out = io.StringIO()
    export_rows(SqlUnitOfWork(deps), None, out)
    (row,) = csv.DictReader(io.StringIO(out.getvalue()))
    assert row["reported by"].splitlines() == ["lea — Il insulte les bénévoles", "tom"]


def test_one_charter_per_association_whatever_the_language(deps):
    cm, _reply = as_user("cm")
    router.command(deps, cm, "cm", "language fr")
    router.submit_form(deps, cm, "charter.moderation", {"text": "Nous modérons après publication."}, "fr")
    reader, reply = as_user("reader")  # the team's language is English
    router.command(deps, reader, "cm", "charter moderation")
    assert "Nous modérons après publication." in reply.last and "Version 1" in reply.last
    router.command(deps, reader, "cm", "charter moderation history")
    assert "version 1 by @cm" in reply.last
