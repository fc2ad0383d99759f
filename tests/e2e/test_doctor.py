"""`relais doctor` against the fakes: a good setup, then each way a volunteer's setup
goes wrong, each named with what to do."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine

from bot import doctor
from handlers.features import registry
from storage.db import heads, migrate
from tests.e2e.conftest import ADMIN, CM, QUEUE, mattermost_settings, slack_settings
from tests.fakes.mattermost_api import FakeMattermost
from tests.fakes.slack_api import FakeSlack


def lines(settings) -> list[str]:  # type: ignore[no-untyped-def]
    checks = doctor.run(settings)
    said = [c.line() for c in checks]
    print("\n".join(said), end="\n\n")
    return said


def failures(said: list[str]) -> list[str]:
    return [line for line in said if line.startswith("✗")]


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'relais.db'}"
    migrate(create_engine(url), registry().migrations)  # as relais serve does
    return url


def test_a_good_slack_setup_passes_every_check(db, fake_slack: FakeSlack):
    said = lines(slack_settings(db, fake_slack.api_url))
    assert failures(said) == [] and len(said) >= 10
    assert (
        f"✓ CM_QUEUE_CHANNEL: Relais is in #{QUEUE.lower()}" in said
        and f"✓ CM_USERS: {CM} is a member (@{CM.lower()})" in said
    )


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        ("token", "✗ Slack refused the bot token (invalid_auth) — copy the Bot User OAuth Token"),
        ("scope", "✗ scopes missing: im:history — add them under OAuth & Permissions"),
        ("not in queue", f"✗ CM_QUEUE_CHANNEL: Relais is not in #{QUEUE.lower()} — invite @Relais to #{QUEUE.lower()}"),
        ("no queue", f"✗ CM_QUEUE_CHANNEL: no channel {QUEUE} (channel_not_found) — copy the channel id"),
        ("unknown cm", f"✗ CM_USERS: {CM} is not a member of this Slack (user_not_found) — copy the member id"),
    ],
)
def test_each_broken_slack_setup_is_named_with_what_to_do(db, fake_slack: FakeSlack, broken: str, expected: str):
    if broken == "token":
        fake_slack.refused_token = True
    elif broken == "scope":
        fake_slack.scopes.remove("im:history")
    elif broken == "not in queue":
        fake_slack.outside.add(QUEUE)
    elif broken == "no queue":
        fake_slack.missing_channels.add(QUEUE)
    else:
        fake_slack.missing_users.add(CM)
    bad = failures(lines(slack_settings(db, fake_slack.api_url)))
    assert len(bad) == 1 and bad[0].startswith(expected), bad


def test_a_database_behind_is_named_with_what_to_do(tmp_path: Path, fake_slack: FakeSlack):
    from alembic import command

    from storage.db import alembic_config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0007")
    bad = failures(lines(slack_settings(url, fake_slack.api_url)))
    expected = ", ".join(sorted(heads(registry().migrations)))  # the shared history's head and each feature's
    assert bad == [f"✗ the database is at revision 0007, Relais expects {expected} — run relais migrate "
                   "(relais serve also does it when it starts)"]  # fmt: skip


def test_a_mattermost_setup_is_checked_down_to_its_websocket(db, fake_mattermost: FakeMattermost):
    settings = mattermost_settings(db, fake_mattermost)
    said = lines(settings)
    assert "✓ the WebSocket opens and accepts the bot token" in said
    assert [line.split(" — ")[0] for line in failures(said)] == [
        "✗ /news is not registered for https://relais.example.org",
        "✗ /cm is not registered for https://relais.example.org",
    ]
    fake_mattermost.outside.add(QUEUE)
    assert any(line.startswith(f"✗ CM_QUEUE_CHANNEL: the bot is not in {QUEUE}") for line in lines(settings))
    assert ADMIN  # the admins are checked on Slack, where ids can be looked up
