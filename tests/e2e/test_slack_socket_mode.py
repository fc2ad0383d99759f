"""Socket Mode (SLACK_APP_TOKEN set): the same app receives commands over a WebSocket."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import threading

import pytest
from sqlalchemy import Engine, create_engine, select

from bot.bootstrap import bootstrap
from bot.platforms import slack as slack_platform
from bot.platforms.slack_chat import SlackChat, web_client
from bot.runner import local_intake
from handlers.news.tables import News
from tests.conftest import TestClock, without_settings
from tests.e2e.conftest import LEADER, blocks_text, slack_settings
from tests.fakes.slack_api import FakeSlack
from tests.fakes.socket_mode import FakeSocketMode


def test_a_command_over_socket_mode_is_acked_and_answered(
    clean_engine: Engine, database_url: str, fake_slack: FakeSlack
):
    sockets = FakeSocketMode()
    fake_slack.socket_url = sockets.url
    settings = slack_settings(
        database_url, fake_slack.api_url, slack_app_token="xapp-1-A1-fake", slack_signing_secret=""
    )
    chat = SlackChat(web_client(settings))
    core = bootstrap(settings, chat, clock=TestClock())
    app = slack_platform.build_app(settings, local_intake(core))
    loop = asyncio.new_event_loop()
    handler = slack_platform.socket_mode_handler  # made inside the loop, as `relais` does
    running: list = []

    async def connect() -> None:
        running.append(handler(app, settings.slack_app_token))
        await running[0].start_async()

    main = loop.create_task(connect())
    thread = threading.Thread(
        target=lambda: loop.run_until_complete(asyncio.gather(main, return_exceptions=True)), daemon=True
    )
    thread.start()
    try:
        ack = sockets.send(
            {
                "envelope_id": "env-1",
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": {
                    "command": "/cm",
                    "text": "role can you fix the printer?",
                    "user_id": LEADER,
                    "channel_id": "CGENERAL",
                    "team_id": "T1",
                    "api_app_id": "A1",
                    "response_url": fake_slack.response_url(),
                    "trigger_id": "trig",
                },
            }
        )
        assert ack == {"envelope_id": "env-1"}
        assert fake_slack.api_calls("apps.connections.open")
        answer = fake_slack.wait_for("/response/1")[0]
        assert "the secretariat" in blocks_text(answer)
    finally:
        asyncio.run_coroutine_threadsafe(running[0].close_async(), loop).result(10)
        loop.call_soon_threadsafe(main.cancel)
        thread.join(timeout=10)
        sockets.close()
        core.engine.dispose()


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGINT"])
def test_socket_mode_stops_on_a_signal_as_cleanly_as_http(tmp_path, fake_slack: FakeSlack, signal_name: str):
    """`relais` in Socket Mode, as systemd or Ctrl-C stops it: exit 0, its "stopped" line, no traceback;
    what it acknowledged before is stored."""
    sockets = FakeSocketMode()
    fake_slack.socket_url = sockets.url
    clean = without_settings()
    settings = {"RELAIS_PLATFORM": "slack", "DATABASE_URL": f"sqlite:///{tmp_path / 'relais.db'}",
                "RELAIS_LANGUAGE": "en", "SLACK_BOT_TOKEN": "xoxb-1-2-socket", "SLACK_APP_TOKEN": "xapp-1-A1-fake",
                "SLACK_API_URL": fake_slack.api_url, "CM_QUEUE_CHANNEL": "CQUEUE", "TEAM_CHANNEL": "CTEAM"}  # fmt: skip
    log = (tmp_path / "relais.log").open("w+")
    process = subprocess.Popen([sys.executable, "-m", "bot"], cwd=tmp_path, env={**clean, **settings},
                               stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        assert sockets.connected(), "relais never connected"
        ack = sockets.send({"envelope_id": "env-9", "type": "slash_commands", "accepts_response_payload": True,
                            "payload": {"command": "/news", "text": "Loto samedi", "user_id": LEADER,
                                        "channel_id": "CGENERAL", "team_id": "T1", "api_app_id": "A1",
                                        "response_url": fake_slack.response_url(), "trigger_id": "trig"}})  # fmt: skip
        assert ack["envelope_id"] == "env-9"
        process.send_signal(getattr(signal, signal_name))
        code = process.wait(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
        sockets.close()
    log.seek(0)
    said = log.read()
    print(said)
    assert code == 0 and "Relais stopped" in said and "Traceback" not in said
    with create_engine(settings["DATABASE_URL"]).connect() as conn:
        assert conn.execute(select(News.title)).scalars().all() == ["Loto samedi"]
