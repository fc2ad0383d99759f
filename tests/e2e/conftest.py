"""End-to-end: the real Starlette app and Bolt, served by uvicorn on 127.0.0.1,
receiving requests signed as Slack signs them, talking to the fake Web API."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import uvicorn
from sqlalchemy import Engine

from bot.bootstrap import Core
from bot.config import Settings
from bot.runner import http_app
from bot.scheduler import Ticker
from handlers.features import Register, registry
from tests.conftest import TestClock
from tests.fakes.mattermost_api import FakeMattermost
from tests.fakes.slack_api import FakeSlack

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "xoxb-1234-5678-FAKEtokenValue"
CM, ADMIN, LEADER = "UCM", "UADMIN", "ULEADER"
QUEUE = "CQUEUE"
TEAM = "CTEAM"


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack()
    yield fake
    fake.close()
    assert fake.problems == [], "the real Slack would have refused these"


def sign(body: str, timestamp: int | None = None, secret: str = SECRET) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


@dataclass
class SlackClient:
    """Sends what Slack sends: signed slash commands, interactivity payloads and events."""

    base: str
    fake: FakeSlack
    core: Core

    def post(
        self, body: str, content_type: str, headers: dict[str, str] | None = None, *, signed: bool = True
    ) -> httpx.Response:
        hdrs = {"Content-Type": content_type, **(sign(body) if signed else {}), **(headers or {})}
        return httpx.post(f"{self.base}/slack/events", content=body, headers=hdrs, timeout=10)

    def command(self, user: str, command: str, text: str = "") -> httpx.Response:
        body = urlencode(
            {
                "token": "legacy",
                "team_id": "T1",
                "team_domain": "asso",
                "channel_id": "CGENERAL",
                "channel_name": "general",
                "user_id": user,
                "user_name": user.lower(),
                "command": command,
                "text": text,
                "api_app_id": "A1",
                "response_url": self.fake.response_url(),
                "trigger_id": f"trig-{user}",
            }
        )
        return self.post(body, "application/x-www-form-urlencoded")

    def interact(self, payload: dict[str, Any]) -> httpx.Response:
        return self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    def click(
        self, user: str, action_id: str, value: str, message_ts: str = "", channel: str = QUEUE
    ) -> httpx.Response:
        return self.interact(
            {
                "type": "block_actions",
                "team": {"id": "T1"},
                "user": {"id": user},
                "api_app_id": "A1",
                "trigger_id": f"trig-{user}",
                "response_url": self.fake.response_url(),
                "container": {"type": "message", "message_ts": message_ts, "channel_id": channel},
                "channel": {"id": channel},
                "message": {"ts": message_ts},
                "actions": [
                    {"type": "button", "action_id": action_id, "block_id": "b", "value": value, "action_ts": "1"}
                ],
            }
        )

    def submit(self, user: str, view: dict[str, Any], values: dict[str, Any]) -> httpx.Response:
        """Submit a modal the fake saw opened, filled the way Slack reports input values."""
        state: dict[str, Any] = {}
        for block in view["blocks"]:
            element = block["element"]
            name, kind = block["block_id"], element["type"]
            value = values.get(name)
            if kind == "static_select":
                entry = {"type": kind, "selected_option": {"value": value} if value else None}
            elif kind == "datepicker":
                entry = {"type": kind, "selected_date": value}
            elif kind == "users_select":
                entry = {"type": kind, "selected_user": value}
            else:
                entry = {"type": kind, "value": value}
            state[name] = {element["action_id"]: entry}
        submitted = {**view, "id": "V1", "state": {"values": state}}
        return self.interact(
            {
                "type": "view_submission",
                "team": {"id": "T1"},
                "user": {"id": user},
                "api_app_id": "A1",
                "view": submitted,
            }
        )

    def home_opened(self, user: str, event_id: str) -> httpx.Response:
        event = {"type": "app_home_opened", "user": user, "channel": f"D{user}", "tab": "home",
                 "event_ts": "1700000099.000200"}  # fmt: skip
        body = {"token": "legacy", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
                "event_id": event_id, "event_time": int(time.time()), "event": event}  # fmt: skip
        return self.post(json.dumps(body), "application/json")

    def direct_message(self, user: str, text: str, event_id: str, **extra: Any) -> httpx.Response:
        """A `message.im` event: someone wrote to the app in its Messages tab."""
        event = {"type": "message", "channel_type": "im", "channel": f"D{user}", "user": user, "text": text,
                 "ts": "1700000199.000100", "event_ts": "1700000199.000100", **extra}  # fmt: skip
        body = {"token": "legacy", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
                "event_id": event_id, "event_time": int(time.time()), "event": event}  # fmt: skip
        return self.post(json.dumps(body), "application/json")

    def mention(self, user: str, text: str, event_id: str, retry: int | None = None) -> httpx.Response:
        body = json.dumps(
            {
                "token": "legacy",
                "team_id": "T1",
                "api_app_id": "A1",
                "type": "event_callback",
                "event_id": event_id,
                "event_time": int(time.time()),
                "event": {
                    "type": "app_mention",
                    "user": user,
                    "text": text,
                    "ts": "1700000099.000100",
                    "channel": "CGENERAL",
                    "event_ts": "1700000099.000100",
                },
            }
        )
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
        return self.post(body, "application/json", headers)


def team_settings(platform: str, database_url: str, **values: Any) -> Settings:
    """The team every end-to-end test plays: English, one CM, one admin, quick timeouts,
    and a ticker the tests run themselves (`tick`)."""
    common: dict[str, Any] = dict(
        platform=platform,
        database_url=database_url,
        language="en",
        cm_queue_channel=QUEUE,
        team_channel=TEAM,
        cm_users=frozenset({CM}),
        admin_users=frozenset({ADMIN}),
        http_timeout=1,
        tick_seconds=3600,
    )
    merged = {**common, **values}
    declared = {s.name.lower(): s.name for s in registry().settings}  # recap_schedule=... -> RECAP_SCHEDULE
    features = {declared[k]: merged.pop(k) for k in list(merged) if k in declared}
    # the reminders' schedules are off unless a test turns one on: what a test sees must
    # not depend on the hour it runs at
    return Settings(**merged).with_features(**{"NEWS_CALL_SCHEDULE": None, "CM_DIGEST_SCHEDULE": None, **features})


def slack_settings(database_url: str, api_url: str, **overrides: Any) -> Settings:
    slack: dict[str, Any] = dict(slack_bot_token=TOKEN, slack_signing_secret=SECRET, slack_api_url=api_url)
    return team_settings("slack", database_url, **{**slack, **overrides})


@contextmanager
def running(
    settings: Settings, features: Iterable[Register] = (), clock: TestClock | None = None
) -> Iterator[tuple[str, Core]]:
    """`relais serve` in-process: uvicorn on a free port, lifespan and scheduler included,
    on the test's clock (a pinned instant unless the test hands one in)."""
    core, app = http_app(settings, features, clock=clock or TestClock())
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    try:
        assert httpx.get(base + "/healthz", timeout=10).status_code == 200  # served once the app has started
        yield base, core
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        core.engine.dispose()


@contextmanager
def serving(settings: Settings, fake: FakeSlack, clock: TestClock | None = None) -> Iterator[SlackClient]:
    with running(settings, clock=clock) as (base, core):
        yield SlackClient(base=base, fake=fake, core=core)


@pytest.fixture
def slack(clean_engine: Engine, database_url: str, fake_slack: FakeSlack) -> Iterator[SlackClient]:
    with serving(slack_settings(database_url, fake_slack.api_url), fake_slack) as client:
        yield client


@pytest.fixture
def fake_mattermost() -> Iterator[FakeMattermost]:
    fake = FakeMattermost()
    yield fake
    fake.close()
    assert fake.problems == [], "the real Mattermost would have refused or logged these"


def mattermost_settings(database_url: str, fake: FakeMattermost, **overrides: Any) -> Settings:
    mattermost: dict[str, Any] = dict(
        mattermost_url=fake.url,
        mattermost_bot_token="mm-bot-token-secret",
        mattermost_command_tokens=frozenset({"cmdtoken", "hooktoken"}),
        public_url="https://relais.example.org",
    )
    return team_settings("mattermost", database_url, **{**mattermost, **overrides})


@contextmanager
def driving(name: str, database_url: str, features: Iterable[Register] = ()) -> Iterator[Any]:
    """A user on one platform, against `relais serve` with the shipped features (and `features`)."""
    from tests.e2e.drivers import MattermostDriver, SlackDriver

    fake: FakeSlack | FakeMattermost
    if name == "slack":
        fake = FakeSlack()
        with running(slack_settings(database_url, fake.api_url), features) as (base, core):
            yield SlackDriver(SlackClient(base=base, fake=fake, core=core))
        assert fake.problems == [], "the real Slack would have refused these"
    else:
        fake = FakeMattermost()
        with running(mattermost_settings(database_url, fake), features) as (base, core):
            yield MattermostDriver(base=base, fake=fake, core=core)
        assert fake.problems == [], "the real Mattermost would have refused or logged these"
    fake.close()


@pytest.fixture(params=["slack", "mattermost"])
def platform(request: pytest.FixtureRequest, clean_engine: Engine, database_url: str) -> Iterator[Any]:
    """The same user, on each platform in turn."""
    with driving(request.param, database_url) as driver:
        yield driver


def tick(core: Core, ahead: timedelta = timedelta(0)) -> None:
    """One tick of an instance's ticker, run here, with the clock `ahead` of now:
    back-offs and schedules pass without rewinding rows."""
    moved = core.deps.clock() + ahead
    Ticker(core, deps=replace(core.deps, clock=lambda: moved)).tick()


def client_get(client: SlackClient, path: str) -> httpx.Response:
    return httpx.get(client.base + path, timeout=10)


def blocks_text(call: dict[str, Any]) -> str:
    """All the text a person would read in a posted message's blocks."""
    return json.dumps(call.get("blocks", []), ensure_ascii=False) + call.get("text", "")
