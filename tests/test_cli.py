"""The `relais` command as a volunteer runs it: settings errors, migrations, the console."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from bot.config import ConfigError, Settings
from bot.logs import RedactSecrets
from handlers.features import registry
from storage.db import alembic_config, heads, make_engine, migrate, revisions
from tests.conftest import ROOT, without_settings
from tests.fakes.mastodon_api import TOKEN, FakeMastodon, serving


def relais(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    clean = without_settings()
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env={**clean, **(env or {})},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_each_bad_setting_is_named_on_its_own_line(tmp_path):
    result = relais(
        [],
        tmp_path,
        {
            "RELAIS_PLATFORM": "slack",
            "RELAIS_LANGUAGE": "de",
            "PORT": "eighty",
            "SLACK_BOT_TOKEN": "xoxb-secret-value-123",
        },
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    # the language asked for is not one Relais speaks, so the problems are told in French, the default
    assert all(line.startswith("relais\u202f: problème de configuration\u202f: ") for line in lines), lines
    named = [line.split("\u202f: ")[2] for line in lines]
    assert named == ["RELAIS_LANGUAGE", "PORT", "CM_QUEUE_CHANNEL", "TEAM_CHANNEL", "SLACK_SIGNING_SECRET"]
    assert "PORT\u202f: doit être un nombre entier (reçu 'eighty')" in result.stderr
    assert "xoxb-secret-value-123" not in result.stderr + result.stdout


def test_settings_from_a_dotenv_file_told_in_the_teams_language(tmp_path):
    (tmp_path / ".env").write_text("RELAIS_TIMEZONE=Mars/Olympus\nRELAIS_LANGUAGE=en\n")
    result = relais([], tmp_path)
    assert result.returncode == 2
    assert (
        result.stderr
        == "relais: configuration problem: RELAIS_TIMEZONE: unknown time zone 'Mars/Olympus' (e.g. Europe/Paris)\n"
    )
    (tmp_path / ".env").write_text("RELAIS_TIMEZONE=Mars/Olympus\n")
    result = relais([], tmp_path)
    assert "RELAIS_TIMEZONE\u202f: fuseau horaire inconnu 'Mars/Olympus'" in result.stderr


def test_settings_defaults_and_secrets_hidden_from_repr():
    settings = Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "CM_USERS": "U1, U2,"})
    assert (settings.platform, settings.database_url, settings.language, str(settings.timezone)) == (
        "console",
        "sqlite:///relais.db",
        "fr",
        "Europe/Paris",
    )
    assert settings.cm_users == frozenset({"U1", "U2"}) and settings.features["RECAP_SCHEDULE"] == ("mon", 9, 0)
    assert "xoxb-1-2-abc" not in repr(settings)
    with pytest.raises(ConfigError) as err:
        Settings.from_env(
            {
                "RELAIS_PLATFORM": "slack",
                "SLACK_BOT_TOKEN": "xoxp-user",
                "SLACK_SIGNING_SECRET": "s",
                "CM_QUEUE_CHANNEL": "C1",
                "TEAM_CHANNEL": "C2",
                "RECAP_SCHEDULE": "monday 25 0",
            }
        )
    assert [p.split(":")[0].strip() for p in err.value.problems] == ["RECAP_SCHEDULE", "SLACK_BOT_TOKEN"]
    lists = (
        Settings.from_env({"RECAP_SCHEDULE": "mon,thu 9 30"}).features["RECAP_SCHEDULE"],
        Settings.from_env({"RECAP_SCHEDULE": "mon-fri 8 0"}).features["RECAP_SCHEDULE"],
    )
    assert lists == (("mon,thu", 9, 30), ("mon-fri", 8, 0))
    assert Settings.from_env({"RECAP_SCHEDULE": ""}).features["RECAP_SCHEDULE"] is None  # empty turns it off
    for bad in ("mon-fri-sun 9 0", "mon,xyz 9 0", "mon 9", "mon 9 60"):
        with pytest.raises(ConfigError):
            Settings.from_env({"RECAP_SCHEDULE": bad})


def test_log_records_never_carry_a_token():
    import logging

    record = logging.LogRecord(
        "x", logging.INFO, "f", 1, "calling with %s and %s", ("xoxb-111-222-abcdef", "my-signing-secret"), None
    )
    RedactSecrets(["my-signing-secret"]).filter(record)
    assert record.getMessage() == "calling with xoxb-*** and ***"


def test_migrate_creates_the_schema_on_a_new_sqlite_file(tmp_path):
    result = relais(["migrate"], tmp_path)
    assert result.returncode == 0, result.stderr
    tables = set(inspect(create_engine(f"sqlite:///{tmp_path / 'relais.db'}")).get_table_names())
    assert {"news", "news_events", "posted_cards", "charters", "outbox", "users", "alembic_version"} <= tables


def test_a_database_at_head_is_left_alone_and_an_older_one_is_migrated(tmp_path):
    from alembic import command

    engine = create_engine(f"sqlite:///{tmp_path / 'relais.db'}")
    assert revisions(engine) == frozenset()
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0004")
    assert "reminders" not in inspect(engine).get_table_names()
    migrate(engine)
    assert revisions(engine) == heads()
    assert "reminders" in inspect(engine).get_table_names()
    with engine.begin() as conn:  # at HEAD, nothing is run: a table dropped behind its back stays dropped
        conn.execute(text("DROP TABLE reminders"))
    migrate(engine)
    assert "reminders" not in inspect(engine).get_table_names()


def test_cards_and_outbox_rows_of_an_older_database_keep_their_place_and_deliverer(tmp_path):
    """0006 renames the outbox kinds after their feature; 0007 moves where cards are posted
    into one table: a card posted before the upgrade is still updated in place."""
    from alembic import command

    engine = create_engine(f"sqlite:///{tmp_path / 'relais.db'}")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0005")
        conn.execute(
            text(
                "INSERT INTO news (id, author_id, title, body, category, links, status, created_at) "
                "VALUES (1, 'U1', 'Loto', '', 'other', '', 'new', '2026-11-30 08:00:00')"
            )
        )
        conn.execute(text("INSERT INTO queue_messages VALUES (1, 'C-QUEUE', '1700000000.1')"))
        conn.execute(
            text(
                "INSERT INTO moderation_entries (id, network, excerpt, severity, handling, reason, note, "
                "logged_by, seen_at, queue_channel, queue_message_id) VALUES (7, 'x', 'Bof', 'low', "
                "'pending', '', '', 'cm', '2026-11-30 08:00:00', 'C-QUEUE', '1700000000.2')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO outbox (kind, payload, dedupe_key, attempts, last_error, due_at, created_at) "
                "VALUES ('queue_update', '{}', 'k1', 0, '', '2026-11-30 08:00:00', '2026-11-30 08:00:00')"
            )
        )
    migrate(engine)
    with engine.begin() as conn:
        cards = conn.execute(text("SELECT kind, item_id, channel, message_id FROM posted_cards ORDER BY kind")).all()
        kinds = conn.execute(text("SELECT kind FROM outbox")).scalars().all()
    assert cards == [("moderation", 7, "C-QUEUE", "1700000000.2"), ("news", 1, "C-QUEUE", "1700000000.1")]
    assert kinds == ["news.update"] and "queue_messages" not in inspect(engine).get_table_names()


CONSOLE_SESSION = """\
/news Fête des bénévoles samedi 14h\\nVenez nombreux au local !
/news mine
/as cm
/cm queue
1
/as leader
/cm role peux-tu réparer l'imprimante ?
/cm frobnicate
/quit
"""


def test_console_session_leader_sends_and_cm_approves(tmp_path):
    result = relais([], tmp_path, stdin=CONSOLE_SESSION)
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "Console Relais. Vous êtes @leader." in out
    assert "── visible seulement par @leader ──" in out and "sees this" not in out
    assert "── #cm-queue · message 1 ──\n📰 Fête des bénévoles samedi 14h\nVenez nombreux au local !" in out
    assert "[1] Approuver   [2] Programmer   [3] Demander des précisions   [4] Refuser" in out
    assert "✅ Envoyé au/à la CM : «\u202fFête des bénévoles samedi 14h\u202f» (n°1)" in out
    assert "── #cm-queue · message 1 (modifié) ──" in out and "approuvée par @cm" in out
    assert "── message privé à @leader · message 2 ──" in out and "a été approuvée par @cm" in out
    assert "Adressez-vous plutôt au secrétariat." in out
    assert "Je ne connais pas « /cm frobnicate »" in out
    assert (tmp_path / "relais.db").exists()  # SQLite out of the box, in the current folder


def test_console_form_checks_each_field_as_it_is_typed(tmp_path):
    """A field refused is asked again at once, before the next one: a title too long, a
    category not in the list, a date in the past. Nothing is asked twice once it is right."""
    answers = [
        "x" * 151,  # title: too long, refused at once
        "AG annuelle",  # the title again, straight away
        "Ordre du jour en pièce jointe",
        ".",
        "9",  # category: not in the list, refused at once
        "1",  # category: Event
        "2001-01-01",  # wished date: in the past, refused at once
        "2099-05-01",
        "",  # links (optional): Enter
        "/quit",
    ]
    out = relais(["console"], tmp_path, {"RELAIS_LANGUAGE": "en"}, stdin="/news\n" + "\n".join(answers) + "\n").stdout
    said = out[out.index("── News for the CM") :]
    order = ["⚠️ The title has 151 characters; the limit is 150.", "Title:", "Text", "Category",
             "⚠️ Please choose a category from the list.", "Category", "⚠️ This date is in the past.",
             "Wished publication date", "Links"]  # fmt: skip
    at = [said.find(step, said.find(order[k - 1]) + 1 if k else 0) for k, step in enumerate(order)]
    assert -1 not in at and at == sorted(at), said
    assert "📰 AG annuelle" in out and "Category: Event" in out and "1 May 2099" in out


def test_console_form_skips_what_is_not_needed_and_ctrl_d_cancels_a_prefilled_field(tmp_path):
    reminder = ["/cm remind", "1", "Relire la file", ".", "demain 9h", "1"]  # For: 1. Me: no person asked
    out = relais(["console"], tmp_path, {"RELAIS_LANGUAGE": "en"}, stdin="\n".join(reminder) + "\n").stdout
    assert "Person" not in out and "Reminder #1 saved, for you" in out
    logged = ["/as cm", "/cm log", "1", "", "", ".", "Nul", ".", "1", "6", ""]  # an empty excerpt, refused at once
    out = relais(["console"], tmp_path, {"RELAIS_LANGUAGE": "en"}, stdin="\n".join(logged) + "\n").stdout
    assert out.count("Excerpt: type your text") == 2 and out.index("⚠️ Copy the message") < out.index("Severity")
    assert "Reason, if ignored:" in out and "Reason, if ignored (optional)" not in out  # ignored: its reason is needed
    assert "⚠️ Say why this message is ignored." in out and "Form cancelled; nothing was sent." in out  # Ctrl-D
    out = relais(["console"], tmp_path, {"RELAIS_LANGUAGE": "en"}, stdin="/news Loto samedi\n").stdout
    assert "Sent to the CM" in out  # a title typed with the command goes straight through


def test_import_export_forget_and_recap_from_the_command_line(tmp_path):
    (tmp_path / "log.csv").write_text(
        "seen_at,network,link,author,excerpt,severity,handling,reason,note\n"
        "2026-11-17,facebook,https://fb.com/1,Jean Dupont,Scandaleux,high,pending,,\n"
        "2026-11-18,myspace,,,Bof,low,pending,,\n"
        "2026-11-19T10:00,instagram,,Marie,Nul,low,replied,,\n",
        encoding="utf-8",
    )
    imported = relais(["import", "moderation", "log.csv"], tmp_path)
    assert imported.returncode == 1  # some rows were refused
    assert "Entrées chargées : 2. Lignes refusées : 1." in imported.stdout
    assert "ligne 3 : network : Choisissez un réseau dans la liste." in imported.stderr
    exported = relais(["export", "moderation", "--out", "out.csv"], tmp_path)
    assert exported.returncode == 0 and "Lignes écrites : 2." in exported.stderr
    header = (tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("n°;vu le;réseau;lien;auteur;extrait")  # French Excel: `;` and French headers
    forgot = relais(["forget", "--author", "jean  dupont"], tmp_path)
    assert forgot.stdout == (
        "Entrées qui ne montrent plus cet auteur\u202f: 1.\n"
        "Messages de la veille qui ne montrent plus cet auteur\u202f: 0.\n"
    )  # counts, not the cards
    assert "Jean Dupont" not in relais(["export", "moderation"], tmp_path).stdout
    printed = relais(["recap", "--week", "2026-W47"], tmp_path, {"RELAIS_LANGUAGE": "en"})
    assert printed.returncode == 0 and "Moderation recap — week 2026-W47" in printed.stdout
    assert "Negative messages: 2" in printed.stdout and "⏳ pending" in printed.stdout
    posted = relais(["recap", "--week", "2026-W47", "--post"], tmp_path)
    assert posted.returncode == 0 and "── #team" in posted.stdout
    assert (tmp_path / "moderation-2026-W47.png").read_bytes().startswith(b"\x89PNG")
    assert relais(["recap", "--week", "2026-W60"], tmp_path).returncode == 2
    french = relais(["recap", "--week", "2026-S47"], tmp_path)  # weeks as French writes them
    assert "Bilan de modération — semaine 47 (16 nov. – 22 nov. 2026)" in french.stdout
    assert "── semaine 47 (16 nov. – 22 nov. 2026) ──" in french.stdout and "W47" not in french.stdout
    assert f"📎 Messages négatifs par jour — semaine 47 (16 nov. – 22 nov. 2026)\u202f: {tmp_path}" in posted.stdout
    assert relais(["export", "news"], tmp_path).stdout.startswith("n°;envoyée le;envoyée par;titre")
    english = relais(["export", "news"], tmp_path, {"RELAIS_LANGUAGE": "en"}).stdout
    assert english.startswith("id,sent at,sent by,title")


def test_console_guardrails_session(tmp_path):
    from zoneinfo import ZoneInfo

    from handlers.recap.data import week_of

    lines = [
        "/as cm",
        "/cm topics add Fusion des antennes: fusion, regroupement",
        "/cm log",
        "1",
        "https://facebook.com/asso/posts/1",
        "Jean Dupont",
        "La fusion des antennes est une honte !",
        ".",
        "3",
        "1",
        "",
        ".",
        "/cm log",
        "2",
        "",
        "Marie",
        "Vos bénévoles ne répondent jamais.",
        ".",
        "2",
        "1",
        "",
        ".",
        "/cm log",
        "3",
        "",
        "",
        "Spam : achetez des abonnés",
        ".",
        "1",
        "6",  # ignored: its reason is asked next, and required
        "",
        "Pub automatique",
        ".",  # no note
        "1",
        "/quit",
    ]
    out = relais([], tmp_path, {"RELAIS_LANGUAGE": "en"}, stdin="\n".join(lines) + "\n").stdout
    with create_engine(f"sqlite:///{tmp_path / 'relais.db'}").connect() as conn:  # the week the console logged in
        seen = conn.execute(text("SELECT min(seen_at) FROM moderation_entries")).scalar()
    this_week = week_of(
        datetime.fromisoformat(seen).replace(tzinfo=timezone.utc).astimezone(ZoneInfo("Europe/Paris")).date()
    )
    out += relais([], tmp_path, {"RELAIS_LANGUAGE": "en"}, stdin=f"/as cm\n/cm recap {this_week}\n/quit\n").stdout
    assert "✅ Sensitive topic ⚠ Fusion des antennes" in out
    assert "Negative message #1 — Facebook" in out and "Sensitive topics: ⚠ Fusion des antennes" in out
    assert "⚠️ Say why this message is ignored." in out  # the reason: asked again at once, then given
    assert "Handling: 🤐 ignored — Pub automatique" in out
    assert "Handling: 💬 replied" in out  # button 1 on the first card
    recap = out[out.index(f"Moderation recap — week {this_week}") :]
    assert "Negative messages: 3" in recap and "Sensitive topics: ⚠ Fusion des antennes 1" in recap
    assert recap.index("#2 Instagram") < recap.index("#1 Facebook")  # still to handle comes first


def test_a_command_typed_inside_a_form_asks_before_cancelling_it(tmp_path):
    session = [
        "/news",
        "Assemblée générale",  # title
        "/cm help",  # a command in the middle of the form: asked first
        "no",  # keep the form: the body is asked again
        "//2 est le numéro de la salle",  # // starts a line with a slash
        "",  # an empty line: a new paragraph
        "Ordre du jour à venir.",
        ".",
        "/cm help",
        "yes",  # now cancel it and run the command
        "/news",
        "/quit",  # quits, even inside a form
        "/cm help",  # never read
    ]
    out = relais([], tmp_path, {"RELAIS_LANGUAGE": "en"}, stdin="\n".join(session) + "\n").stdout
    assert "Cancel this form and run /cm help? (yes/no)" in out
    assert "The form goes on. To start a line with a slash, type it twice: //" in out
    assert out.count("Form cancelled; nothing was sent.") == 1 and out.count("Relais — commands") == 1


def test_a_form_takes_paragraphs_and_a_leading_slash(tmp_path):
    session = [
        "/news",
        "Assemblée générale",
        "/2 salles",
        "",
        "Ordre du jour à venir.",
        ".",
        "1",
        "",
        "",
        "/news mine",
        "/quit",
    ]
    session[2] = "//2 salles"
    out = relais([], tmp_path, {"RELAIS_LANGUAGE": "en"}, stdin="\n".join(session) + "\n").stdout
    assert "📰 Assemblée générale\n/2 salles\n\nOrdre du jour à venir." in out


LOADED_WHEN_USED = ("matplotlib", "openpyxl", "xlsxwriter", "feedparser", "atproto", "mastodon", "vaderSentiment",
                    "dateparser", "holidays")  # fmt: skip


def test_the_http_process_loads_no_chart_spreadsheet_or_network_library_even_with_every_source_set(tmp_path):
    """What `relais serve` acks with holds none of what only the workers use: matplotlib is most
    of a recap's memory, the watch's readers poll from the worker that runs the ticker."""
    sources = {"MASTODON_URL": "https://masto.example", "MASTODON_ACCESS_TOKEN": "t", "WATCH_FEEDS": "https://f.example/a",
               "BLUESKY_HANDLE": "asso.test", "BLUESKY_APP_PASSWORD": "p", "FACEBOOK_PAGE_ID": "1",
               "FACEBOOK_PAGE_TOKEN": "t", "YOUTUBE_CHANNEL_ID": "UC1", "YOUTUBE_API_KEY": "k"}  # fmt: skip
    code = (
        "import sys; from bot.config import Settings; from bot.runner import http_app; "
        f"http_app(Settings(platform='slack', database_url='sqlite:///{tmp_path}/r.db', slack_bot_token='xoxb-1', "
        f"slack_signing_secret='s', cm_queue_channel='q').with_features(**{sources!r}), clock=lambda: None); "
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    held = set(result.stdout.split())
    assert {"slack_bolt", "sqlalchemy", "handlers"} <= held  # what it does load: the test can fail
    assert held.isdisjoint(LOADED_WHEN_USED), held & set(LOADED_WHEN_USED)


HTTP_PROCESS_HOLDS_NOT = ("sqlalchemy.orm", "alembic", "apscheduler", "babel", "bot.bootstrap", "bot.config",
                          "bot.worker", "handlers.core.registry", "handlers.core.router", "handlers.features",
                          "handlers.core.tables", "storage.models")  # fmt: skip


def test_the_http_process_of_relais_serve_holds_no_orm_model_sender_schedule_or_network_library(tmp_path):
    """`relais serve` on Slack acks from a process that holds Bolt, Starlette and SQLAlchemy
    Core, and nothing of the features (bot/front.py): built here as the front builds it on a
    database up to date, with watch sources configured, its modules are listed."""
    url = f"sqlite:///{tmp_path}/r.db"
    migrate(make_engine(url), registry().migrations)
    code = (
        "import dataclasses, multiprocessing, sys; from bot import front, front_settings; "
        "from bot.handover import Handover; "
        "facts = front_settings.with_database(front_settings.read(['serve'])); "
        "assert front._up_to_date(facts.database_url); "
        "facts = dataclasses.replace(facts, sources=(('mastodon', 'Mastodon'), ('feed:x', 'x'))); "
        "front._app(facts, Handover(multiprocessing.get_context('fork'))); print(' '.join(sorted(sys.modules)))"
    )
    env = {**without_settings(), "RELAIS_PLATFORM": "slack", "DATABASE_URL": url, "SLACK_BOT_TOKEN": "xoxb-1",
           "SLACK_SIGNING_SECRET": "s", "SLACK_API_URL": "http://127.0.0.1:9/api/"}  # fmt: skip
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=60)  # fmt: skip
    assert result.returncode == 0, result.stderr
    held = set(result.stdout.split())
    assert {"slack_bolt", "sqlalchemy", "starlette", "handlers.core.rows", "bot.platforms.slack"} <= held
    ours = sorted(m for m in held if m.split(".")[0] in ("bot", "handlers", "storage"))
    assert ours == ["bot", "bot.config_values", "bot.front", "bot.front_settings", "bot.handover", "bot.intake",
                    "bot.limits", "bot.platforms", "bot.platforms.links", "bot.platforms.slack",
                    "bot.platforms.slack_blocks", "bot.verdicts", "bot.web", "handlers", "handlers.core", "handlers.core.inbound",
                    "handlers.core.messages", "handlers.core.rows", "handlers.core.setting_error", "handlers.watch",
                    "handlers.watch.ages", "storage", "storage.engine", "storage.versions"]  # fmt: skip
    assert not {
        m for m in held if m in HTTP_PROCESS_HOLDS_NOT or m.startswith(tuple(f"{p}." for p in HTTP_PROCESS_HOLDS_NOT))
    }
    assert not {m.split(".")[0] for m in held} & set(LOADED_WHEN_USED)


@pytest.mark.parametrize(
    ("args", "env", "said"),
    [
        (["import", "moderation", "missing.csv"], {}, "no such file or folder: missing.csv"),
        (["export", "news", "--out", "no-folder/news.csv"], {}, "no such file or folder: no-folder/news.csv"),
        (["migrate"], {"DATABASE_URL": "nonsense"}, "DATABASE_URL: not a database address"),
        (["migrate"], {"DATABASE_URL": "sqlite:///"}, "in memory keeps nothing"),
        (["migrate"], {"DATABASE_URL": "mysql://x/y"}, "Relais runs on SQLite or PostgreSQL"),
        (["migrate"], {"DATABASE_URL": "sqlite:///a-file/relais.db"}, "the database cannot be used"),
        (["serve"], {}, "set RELAIS_PLATFORM=slack or mattermost"),
    ],
)
def test_a_persons_mistake_gets_one_line_and_exit_code_2(tmp_path, args, env, said):
    (tmp_path / "a-file").write_text("not a folder")
    result = relais(args, tmp_path, {"RELAIS_LANGUAGE": "en", **env})
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and said in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_a_french_team_is_told_its_mistakes_in_french(tmp_path):
    result = relais(["export", "news", "--out", "no-folder/news.csv"], tmp_path)
    assert result.stderr == "relais\u202f: ce fichier ou ce dossier n’existe pas\u202f: no-folder/news.csv\n"
    result = relais(["migrate"], tmp_path, {"DATABASE_URL": "sqlite:///"})
    assert result.stderr.startswith(
        "relais\u202f: problème de configuration\u202f: DATABASE_URL\u202f: une base SQLite"
    )


def test_a_postgresql_address_is_read_with_the_shipped_driver():
    settings = Settings.from_env({"DATABASE_URL": "postgresql://u:p@db.example.org/relais"}, dotenv=False)
    assert settings.database_url == "postgresql+psycopg://u:p@db.example.org/relais"


def test_after_a_restart_the_queue_shows_each_waiting_item_with_its_buttons(tmp_path):
    relais([], tmp_path, {"RELAIS_LANGUAGE": "en"}, stdin="/news Loto du club\n/quit\n")
    out = relais([], tmp_path, {"RELAIS_LANGUAGE": "en"}, stdin="/as cm\n/cm queue\n1\n/quit\n").stdout
    assert "#1 Loto du club" in out and "[1] Approve   [2] Schedule   [3] Ask for info   [4] Reject" in out
    assert "── #cm-queue · message 1 (updated) ──" in out and "approved by @cm" in out


def test_a_french_excel_file_imports_and_says_why_a_line_is_refused(tmp_path):
    rows = [
        "Date;Réseau;Lien;Auteur;Extrait;Gravité;Traitement;Raison;Note",
        "17/11/2026 10:30;Facebook;https://fb.com/1;Jean Dupont;Honteux, vraiment;high;pending;;",
        "2026-11-18;instagram;;;Déçue;Moyenne;répondu;;Répondu en privé",
        "19/11/2026;x;;;Trop;low;pending;;une note; avec un point-virgule",
        "01/01/2099;facebook;;;Futur;low;pending;;",
        "18/11/2026;myspace;;;Bof;low;pending;;",
    ]
    (tmp_path / "export excel.csv").write_bytes(("\r\n".join(rows) + "\r\n").encode("cp1252"))
    imported = relais(["import", "moderation", "export excel.csv"], tmp_path, {"RELAIS_LANGUAGE": "en"})
    assert "Traceback" not in imported.stderr
    assert "Entries loaded: 2. Rows refused: 3." in imported.stdout
    refused = imported.stderr.splitlines()
    assert refused[0].startswith("line 4: 10 cells where the header has 9")
    assert refused[1] == "line 5: Date: This date is in the future."  # the column as the file names it
    assert refused[2].startswith("line 6: Réseau:") and "Allowed: Facebook, Instagram" in refused[2]
    exported = relais(["export", "moderation"], tmp_path, {"RELAIS_LANGUAGE": "en"}).stdout
    assert "Honteux, vraiment" in exported and "Déçue,medium,replied" in exported and "Répondu en privé" in exported
    assert "2026-11-17 10:30:00" in exported  # the team's local time, as it was typed


def test_a_date_typed_as_people_write_it_is_understood_and_said_back(tmp_path):
    session = [
        "/news", "Vide-grenier", "Au local", ".", "1", "samedi", "",  # title, text, category, date, links
        "/news", "Loto", ".", "1", "31/02",  # a day that does not exist: the date is asked again at once
        "12/12", "", "/quit",
    ]  # fmt: skip
    out = relais([], tmp_path, {}, stdin="\n".join(session) + "\n").stdout
    assert "Date de publication souhaitée\u202f: samedi " in out  # the date understood, in full
    assert "Cette date n’existe pas\u202f: 31/02." in out and "Date de publication souhaitée\u202f: " in out
    assert " 12 décembre " in out


def test_a_read_only_database_gives_the_typed_text_back_in_one_line_not_a_traceback(tmp_path):
    assert relais(["migrate"], tmp_path).returncode == 0
    read_only = {"DATABASE_URL": "sqlite:///file:relais.db?mode=ro&uri=true"}
    result = relais([], tmp_path, read_only, stdin="/news Fête des bénévoles\\nVenez nombreux !\n/quit\n")
    assert "Traceback" not in result.stdout + result.stderr
    assert "Ce que vous avez tapé, à copier\u202f:\n> /news Fête des bénévoles\n> Venez nombreux !" in result.stdout
    result = relais([], tmp_path, read_only, stdin="/news\n/quit\n")  # stored first: no form opens to be lost
    assert "réessayez dans un instant" in result.stdout and "à copier" not in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (
            lambda p: p.mkdir(),
            "relais\u202f: journal est un dossier\u202f: indiquez le fichier du tableur qu’il contient.",
        ),
        (lambda p: p.write_bytes(b""), "relais\u202f: journal est vide\u202f: exportez à nouveau le tableur."),
        (
            lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00"),
            "relais\u202f: journal n’est pas un tableur (CSV ou .xlsx).",
        ),
        (lambda p: None, "relais\u202f: ce fichier ou ce dossier n’existe pas\u202f: journal"),
    ],
)
def test_a_file_relais_cannot_import_is_one_line_and_exit_2(tmp_path, make, said):
    make(tmp_path / "journal")
    result = relais(["import", "moderation", "journal"], tmp_path)
    assert (result.returncode, result.stderr, result.stdout) == (2, said + "\n", "")


COMMANDS = (
    "serve",
    "console",
    "migrate",
    "recap",
    "import",
    "export",
    "forget",
    "mattermost-setup",
    "backup",
    "restore",
)


@pytest.mark.parametrize(("language", "usage", "columns"), [("fr", "utilisation\u202f: ", "vu le, réseau, lien"),
                                                          ("en", "usage: ", "seen at, network, link")])  # fmt: skip
def test_the_help_is_in_the_teams_language_and_describes_every_command(tmp_path, language, usage, columns, capsys):
    from bot.cli import _parser
    from handlers.features import registry

    env = {"RELAIS_LANGUAGE": language}
    top = relais(["--help"], tmp_path, env)  # as a volunteer types it
    assert top.returncode == 0 and top.stdout.startswith(usage + "relais")
    parser = _parser(language, registry())  # each command's own help, read in this process: 16 starts of Python less
    for command in COMMANDS:
        assert command in top.stdout
        with pytest.raises(SystemExit):
            parser.parse_args([command, "--help"])
        own = capsys.readouterr().out
        description = own.split("\n\n")[1]  # after the usage line, before the arguments
        assert own.startswith(usage) and len(description) > 20 and not description.startswith(("options", "argu")), own
    with pytest.raises(SystemExit):
        parser.parse_args(["import", "--help"])
    assert columns in capsys.readouterr().out
    mistake = relais(["export", "nope"], tmp_path, env)
    assert mistake.returncode == 2 and mistake.stdout == "" and len(mistake.stderr.splitlines()) == 1


def on_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    """What `relais ARGS` shows on a terminal of 80 columns (a pseudo-terminal)."""
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # the child
        import fcntl
        import struct
        import termios

        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        os.chdir(cwd)
        os.execve(sys.executable, [sys.executable, "-m", "bot", *args], {**env, "PYTHONPATH": os.environ["PYTHONPATH"]})
    seen = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.waitpid(pid, 0)
    return seen.decode()


def test_the_import_shows_a_progress_bar_on_a_terminal_only(tmp_path):
    rows = "\r\n".join(["date;réseau;extrait"] + [f"01/11/2026;facebook;Message {n}" for n in range(3000)])
    (tmp_path / "journal.csv").write_bytes((rows + "\r\n").encode("cp1252"))
    shown = on_terminal(["import", "moderation", "journal.csv"], tmp_path, without_settings())
    assert " lignes/s]" in shown and "%|" in shown and "/3001 [" in shown  # tqdm's bar, counting the file's lines
    assert "Entrées chargées\u202f: 3\u202f000. Lignes refusées\u202f: 0." in shown
    piped = relais(["import", "moderation", "journal.csv"], tmp_path)  # not a terminal: no bar
    assert piped.stderr == "" and "lignes" not in piped.stdout


def test_watch_poll_counts_the_messages_read_on_a_terminal_only(tmp_path):
    with serving(FakeMastodon()) as fake:
        post = fake.post("Loto samedi", datetime(2026, 11, 30, 18, tzinfo=timezone.utc))
        fake.replies(post["id"], 200, datetime(2026, 11, 30, 19, tzinfo=timezone.utc))
        env = {**without_settings(), "MASTODON_URL": fake.base, "MASTODON_ACCESS_TOKEN": TOKEN,
               "WATCH_BACKFILL_DAYS": "3650"}  # fmt: skip  # whatever the clock of the run
        shown = on_terminal(["watch", "poll"], tmp_path, env)
        assert " messages [" in shown and "Mastodon\u202f: 200 nouveaux" in shown, shown  # tqdm's counter
        fake.replies(post["id"], 3, datetime(2026, 11, 30, 21, tzinfo=timezone.utc))
        other = fake.post("Vide-grenier dimanche", datetime(2026, 11, 30, 18, tzinfo=timezone.utc))
        fake.replies(other["id"], 2, datetime(2026, 11, 30, 21, tzinfo=timezone.utc))
        piped = relais(["watch", "poll"], tmp_path, env)  # not a terminal: no counter
    assert piped.returncode == 0 and piped.stderr == "", piped.stderr
    assert piped.stdout.startswith("Mastodon\u202f: 5 nouveaux\n"), piped.stdout
    assert (  # two threads grew: the second card a second later, sent by the running Relais
        "Fiches encore à publier\u202f: 1, une par seconde (le rythme de Slack pour un canal)\u202f; "
        "Relais en service (relais serve) les publie.\n" in piped.stdout
    ), piped.stdout


DM_AND_REPORT = (
    "Loto du club samedi\\nVenez nombreux au local\n1\n\n.\n1\n\n\n"  # a direct message, sent on as news
    "/cm report\n1\nhttps://www.facebook.com/asso/posts/1?fbclid=x\nHonteux, cette fusion\n.\n.\n"
    "/as cm\n/cm log list open\n/quit\n"
)


def test_console_a_line_without_a_slash_is_a_direct_message_and_a_report_reaches_the_cm(tmp_path):
    out = relais([], tmp_path, stdin=DM_AND_REPORT).stdout
    assert "📨 Dois-je transmettre ceci au/à la CM comme actualité\u202f?" in out
    assert "Votre réponse\u202f: Loto du club samedi (Entrée la garde)" in out  # the form, prefilled
    assert "── #cm-queue · message 1 ──\n📰 Loto du club samedi\nVenez nombreux au local" in out
    assert "🛡️ Message négatif n°1 — Facebook\n> Honteux, cette fusion" in out and "Signalé par\u202f: @leader" in out
    assert "🙏 Merci\u202f: signalé au/à la CM sous le n°1." in out
    assert "• n°1 Facebook — ⏳ en attente" in out  # the CM sees it in the open log


def test_log_format_json_gives_one_redacted_json_object_per_line(tmp_path):
    import json as json_module
    import logging

    from bot.logs import JsonFormatter

    redact = RedactSecrets(["my-signing-secret"])
    record = logging.LogRecord("relais", logging.WARNING, "f", 1, "token %s, secret %s", ("xoxb-1-2-abc", "my-signing-secret"), None)  # fmt: skip
    redact.filter(record)
    line = JsonFormatter(redact, True).format(record)
    assert "\n" not in line
    loaded = json_module.loads(line)
    assert loaded["level"] == "WARNING" and loaded["logger"] == "relais"
    assert loaded["message"] == "token xoxb-***, secret ***"
    refused = relais(["migrate"], tmp_path, {"LOG_FORMAT": "yaml", "RELAIS_LANGUAGE": "en"})
    assert refused.returncode == 2 and "LOG_FORMAT: must be one of text, json (got 'yaml')" in refused.stderr
