"""A feature declared from its own folder (tests/dummy_feature) works end to end on
Slack, Mattermost and the console, with no edit under bot/."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, text

from bot.bootstrap import Core
from bot.cli import _parser, _run
from bot.config import ConfigError, Settings
from bot.platforms.console import Console
from bot.platforms.console_chat import ConsoleChat, Screen
from bot.scheduler import Ticker
from handlers.core import router
from handlers.core.context import Team
from handlers.core.deps import Deps
from handlers.core.registry import Registry
from handlers.core.uow import SqlUnitOfWork
from handlers.features import registry
from storage.db import make_sessions
from tests.conftest import TestClock
from tests.dummy_feature import feature as dummy
from tests.e2e.conftest import LEADER, driving
from tests.unit.conftest import RecordingChat, as_user, text_of


@pytest.mark.parametrize("name", ["slack", "mattermost"])
def test_a_feature_from_its_own_folder_works_on_each_platform(name, clean_engine, database_url):
    with driving(name, database_url, [dummy.register]) as platform:
        platform.command(LEADER, "/cm", "dummy Alice")
        assert "Hello Alice" in platform.replies(1)[0]
        platform.click(LEADER, "dummy.press", "42", where="CGENERAL")
        form = platform.form()
        assert platform.form_fields(form) == ["word"]
        assert platform.submit(LEADER, form, {"word": ""}) == {"word": "Say a word."}
        assert platform.submit(LEADER, form, {"word": "bonjour"}) == {}
        assert "Dummy got bonjour for 42" in platform.dms(LEADER, 1)[0]
        platform.command(LEADER, "/cm", "help")
        assert "say hello (test feature)" in platform.replies(2)[-1]  # the help is read from the declarations


def test_a_feature_from_its_own_folder_works_on_the_console(clean_engine: Engine):
    out = io.StringIO()
    screen = Screen(out)
    clock = TestClock()
    deps = Deps(
        db=make_sessions(clean_engine, clock),
        chat=ConsoleChat(screen, "en"),
        team=Team(queue_channel="q", language="en"),
        features=registry([dummy.register]),
        clock=clock,
    )
    typed = iter(["", "bonjour"])
    console = Console(deps, screen, read=lambda _prompt: next(typed))
    console.handle("/cm dummy Alice")
    console.handle("1")  # press the button, then fill the form: an empty word is refused, then a word
    printed = out.getvalue()
    assert "Hello Alice" in printed and "[1] Press" in printed
    assert "Say a word." in printed and "Dummy got bonjour for 42" in printed


def test_the_grown_dummy_declares_a_setting_a_schedule_a_night_job_a_cli_command_and_cm_only_parts(
    clean_engine, database_url, capsys, tmp_path
):
    """Everything from tests/dummy_feature alone: read at start, run by the ticker, offered
    by the CLI, refused to a leader by the router."""
    features = registry([dummy.register_grown])
    env = {"DUMMY_GREETING": "Salut", "DUMMY_SCHEDULE": "mon 9 0", "DATABASE_URL": database_url}
    settings = Settings.from_env(env, declared=features.settings)
    assert settings.features["DUMMY_GREETING"] == "Salut" and settings.features["DUMMY_SCHEDULE"] == ("mon", 9, 0)
    with pytest.raises(ConfigError) as refused:
        Settings.from_env({"DUMMY_SCHEDULE": "someday", "RELAIS_LANGUAGE": "en"}, declared=features.settings)
    assert refused.value.problems == ["DUMMY_SCHEDULE: expected 'days hour minute' such as 'mon 9 0', "
                                      "'mon,thu 9 0' or 'mon-fri 9 0' (got 'someday')"]  # fmt: skip
    chat = RecordingChat()
    monday = datetime(2026, 11, 30, 9, 5, tzinfo=ZoneInfo("Europe/Paris"))
    team = Team(queue_channel="q", language="en", cm_users=frozenset({"cm"}), settings=settings.features)
    deps = Deps(
        db=make_sessions(clean_engine, lambda: monday), chat=chat, team=team, features=features, clock=lambda: monday
    )

    leader, leader_reply = as_user("leader")
    router.command(deps, leader, "cm", "dummy greet Alice")
    assert leader_reply.last.startswith("Salut Alice") and "[Secret]" in leader_reply.last
    router.action(deps, leader, "dummy_secret.open", "7")
    router.submit_form(deps, leader, "dummy.secret", {"word": "forged"}, "7")
    assert leader_reply.forms == [] and [text_of(m) for m in leader_reply.replies[1:]] == [dummy.SECRET.refusal] * 2
    cm, cm_reply = as_user("cm")
    router.action(deps, cm, "dummy_secret.open", "7")
    assert [f.form_id for f in cm_reply.forms] == ["dummy.secret"]
    router.submit_form(deps, cm, "dummy.secret", {"word": "rose"}, "7")
    assert cm_reply.last == "Secret rose kept for 7"
    with clean_engine.connect() as conn:  # in the dummy's own table, made by its own migration
        assert conn.execute(text("SELECT word, kept_by FROM dummy_secret_words")).all() == [("rose", "cm")]

    ticker = Ticker(Core(settings, clean_engine, deps), deps)
    ticker.tick()
    ticker.tick()  # a second tick, or a second instance: each job's work is done once
    posted = sorted(text_of(m) for _c, m, _t in chat.posts)
    assert posted == ["Dummy's night job ran", "Dummy's weekly word", "The CM kept a secret word"]

    router.shortcut(deps, leader, "dummy_wave", None)
    router.direct_message(deps, leader, "dummy?")
    assert [text_of(m) for m in leader_reply.replies[-2:]] == [
        "The dummy waves",
        "The dummy is here",
    ]
    router.home_opened(deps, cm)
    assert "Secret words kept: 1" in text_of(chat.homes[-1][1])

    args = _parser("en", features).parse_args(["dummy-hello", "--name", "Bob"])  # as `relais dummy-hello` runs it
    assert _run(settings, args, features) == 0
    assert capsys.readouterr().out == "Salut Bob\n"
    (tmp_path / "words.txt").write_text("tulip rose\n", encoding="utf-8")
    assert (
        _run(settings, _parser("en", features).parse_args(["import", "dummy", str(tmp_path / "words.txt")]), features)
        == 0
    )
    assert _run(settings, _parser("en", features).parse_args(["export", "dummy"]), features) == 0
    assert capsys.readouterr().out.endswith("rose\ntulip\n")


def test_a_mention_is_answered_by_the_one_feature_that_declares_it(clean_engine):
    features = Registry()
    dummy.register_mention(features)
    monday = datetime(2026, 11, 30, 9, 5, tzinfo=ZoneInfo("Europe/Paris"))
    deps = Deps(db=make_sessions(clean_engine, lambda: monday), chat=RecordingChat(),
                team=Team(queue_channel="q"), features=features, clock=lambda: monday)  # fmt: skip
    assert text_of(router.mention(SqlUnitOfWork(deps), features, "leader", "hello?")) == "The dummy heard: hello?"
    with pytest.raises(ValueError, match="mentions are answered twice"):
        dummy.register_mention(features)
