"""Every endpoint fed random, truncated and mistyped payloads (hypothesis): the
answer is a 2xx or a 4xx, never a 5xx, and a refused request stores nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from tests.e2e.conftest import mattermost_settings, running, sign, slack_settings
from tests.e2e.test_forgeries import snapshot
from tests.fakes.mattermost_api import FakeMattermost
from tests.fakes.slack_api import FakeSlack

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=40),
    st.text(min_size=5000, max_size=20000).map(lambda t: t[:20000]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
KEYS = [
    "token",
    "user_id",
    "user_name",
    "channel_id",
    "command",
    "text",
    "response_url",
    "trigger_id",
    "context",
    "callback_id",
    "state",
    "submission",
    "cancelled",
    "post_id",
    "type",
    "payload",
    "actions",
    "view",
    "event",
]
payloads = st.dictionaries(st.sampled_from(KEYS), json_values, max_size=8)
odd_bytes = st.one_of(
    st.binary(max_size=2000),
    st.text(max_size=500).map(lambda t: t.encode("utf-16")),
    st.text(max_size=500).map(lambda t: t.encode("latin-1", errors="replace")),
)
CONTENT_TYPES = ["application/json", "application/x-www-form-urlencoded", "text/plain", "", "multipart/form-data"]


def encoded(payload: dict[str, Any], how: str) -> bytes:
    if how == "json":
        return json.dumps(payload).encode()
    if how == "truncated json":
        data = json.dumps(payload).encode()
        return data[: len(data) // 2]
    return urlencode({k: json.dumps(v) if not isinstance(v, str) else v for k, v in payload.items()}).encode()


bodies = st.one_of(
    st.tuples(payloads, st.sampled_from(["json", "truncated json", "form"])).map(lambda pc: encoded(*pc)),
    odd_bytes,
)


@pytest.fixture
def servers(clean_engine: Engine, database_url: str) -> Iterator[str]:
    """Slack's endpoint and Mattermost's, each on its own `relais serve`."""
    slack_fake, mm_fake = FakeSlack(), FakeMattermost()
    with (
        running(slack_settings(database_url, slack_fake.api_url)) as (slack_base, _),
        running(mattermost_settings(database_url, mm_fake)) as (mm_base, _),
    ):
        yield slack_base, mm_base  # type: ignore[misc]
    slack_fake.close()
    mm_fake.close()


ENDPOINTS = ["slack/events", "mattermost/command", "mattermost/action", "mattermost/dialog", "mattermost/mention"]


@FUZZ
@given(endpoint=st.sampled_from(ENDPOINTS), body=bodies, content_type=st.sampled_from(CONTENT_TYPES))
def test_no_endpoint_answers_5xx_and_a_refusal_stores_nothing(
    servers: Any, clean_engine: Engine, endpoint: str, body: bytes, content_type: str
) -> None:
    slack_base, mm_base = servers
    base = slack_base if endpoint.startswith("slack") else mm_base
    before = snapshot(clean_engine)
    resp = httpx.post(f"{base}/{endpoint}", content=body, headers={"Content-Type": content_type}, timeout=10)
    assert resp.status_code < 500, (endpoint, body[:200], resp.status_code, resp.text[:200])
    if resp.status_code >= 400:
        assert snapshot(clean_engine) == before


@FUZZ
@given(body=bodies, content_type=st.sampled_from(CONTENT_TYPES[:2]))
def test_slack_signed_garbage_never_answers_5xx(servers: Any, body: bytes, content_type: str) -> None:
    """Correctly signed, so Bolt parses it: whatever it holds, no 5xx."""
    slack_base, _ = servers
    text = body.decode("utf-8", errors="replace")
    resp = httpx.post(
        f"{slack_base}/slack/events",
        content=text.encode(),
        headers={"Content-Type": content_type, **sign(text)},
        timeout=10,
    )
    assert resp.status_code < 500, (body[:200], resp.status_code, resp.text[:200])
