"""A feature declared from its own folder (tests/dummy_feature) works end to end on
Slack, Mattermost and the console, with no edit under bot/."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import Engine

from bot.platforms.console import Console, ConsoleChat, Screen
from handlers.core.context import Deps, Team
from handlers.features import registry
from storage.db import make_sessions
from tests.dummy_feature import feature as dummy
from tests.e2e.conftest import LEADER, driving


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
    deps = Deps(
        db=make_sessions(clean_engine),
        chat=ConsoleChat(screen, "en"),
        team=Team(queue_channel="q", language="en"),
        features=registry([dummy.register]),
    )
    typed = iter(["", "bonjour"])
    console = Console(deps, screen, read=lambda _prompt: next(typed))
    console.handle("/cm dummy Alice")
    console.handle("1")  # press the button, then fill the form: an empty word is refused, then a word
    printed = out.getvalue()
    assert "Hello Alice" in printed and "[1] Press" in printed
    assert "Say a word." in printed and "Dummy got bonjour for 42" in printed
