"""Every endpoint of both platforms, the genuine request and then each forgery:
each forgery is refused with a 4xx, and the database is exactly as before."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy import Engine, MetaData, select

from bot.platforms.mattermost_proof import DIALOG_TTL, DialogState, action_secret, seal
from handlers.charters.tables import Charter
from handlers.news.tables import News
from tests.e2e.conftest import CM, LEADER, QUEUE, SlackClient, mattermost_settings, running, sign
from tests.e2e.drivers import MattermostDriver, SlackDriver

Forgery = tuple[str, Callable[[], httpx.Response]]


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: what 'nothing changed' means."""
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        return {t.name: sorted(map(tuple, conn.execute(select(t)).all()), key=repr) for t in meta.sorted_tables}


def refused_without_change(engine: Engine, forgeries: list[Forgery], caplog: pytest.LogCaptureFixture) -> None:
    before = snapshot(engine)
    rows = []
    for name, send in forgeries:
        resp = send()
        rows.append((name, resp.status_code))
        assert 400 <= resp.status_code < 500, (name, resp.status_code, resp.text)
    after = snapshot(engine)
    print("\n".join(f"  {name:<58} HTTP {status}  refused, database unchanged" for name, status in rows))
    assert after == before
    assert "FORGED-TEXT" not in caplog.text  # the submitted text is never logged


def test_slack_every_payload_kind_and_each_forgery(
    slack: SlackClient, clean_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    driver = SlackDriver(slack)
    driver.command(LEADER, "/news", "Vraie actualité")  # genuine: stored and posted
    driver.posts(QUEUE, 1)
    driver.replies(1)  # the confirmation is the last thing the genuine request does
    form = "application/x-www-form-urlencoded"
    command = urlencode(
        {
            "command": "/news",
            "text": "FORGED-TEXT",
            "user_id": CM,
            "response_url": slack.fake.response_url(),
            "trigger_id": "t",
            "channel_id": "C1",
            "team_id": "T1",
        }
    )
    click = urlencode(
        {
            "payload": json.dumps(
                {
                    "type": "block_actions",
                    "user": {"id": CM},
                    "team": {"id": "T1"},
                    "actions": [{"action_id": "news.reject", "value": "1", "type": "button"}],
                    "response_url": slack.fake.response_url(),
                    "trigger_id": "t",
                }
            )
        }
    )
    view = urlencode(
        {
            "payload": json.dumps(
                {
                    "type": "view_submission",
                    "user": {"id": CM},
                    "team": {"id": "T1"},
                    "view": {
                        "callback_id": "charter.role",
                        "private_metadata": "{}",
                        "state": {"values": {"text": {"text": {"type": "plain_text_input", "value": "FORGED-TEXT"}}}},
                    },
                }
            )
        }
    )
    event = json.dumps(
        {
            "type": "event_callback",
            "event_id": "EvF",
            "team_id": "T1",
            "event": {"type": "app_mention", "user": CM, "text": "FORGED-TEXT", "ts": "1.1", "channel": "C1"},
        }
    )
    now = int(time.time())
    forgeries: list[Forgery] = []
    for kind, body, content_type in (
        ("slash command", command, form),
        ("button click", click, form),
        ("modal submission", view, form),
        ("app_mention event", event, "application/json"),
    ):
        forgeries += [
            (f"slack {kind}: no signature", lambda b=body, c=content_type: slack.post(b, c, signed=False)),
            (
                f"slack {kind}: wrong signature",
                lambda b=body, c=content_type: slack.post(b, c, sign(b, secret="not-the-secret")),
            ),
            (
                f"slack {kind}: stale timestamp",
                lambda b=body, c=content_type: slack.post(b, c, sign(b, timestamp=now - 600)),
            ),
            (
                f"slack {kind}: non-numeric timestamp",
                lambda b=body, c=content_type: slack.post(
                    b, c, {"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": sign(b)["X-Slack-Signature"]}
                ),
            ),
            (
                f"slack {kind}: body altered after signing",
                lambda b=body, c=content_type: slack.post(
                    b.replace("FORGED", "ALTERED") if "FORGED" in b else b + "&x=1", c, sign(b)
                ),
            ),
        ]
    refused_without_change(clean_engine, forgeries, caplog)
    assert slack.fake.api_calls("chat.update") == []


@pytest.fixture
def mm(clean_engine: Engine, database_url: str, fake_mattermost: Any) -> Any:
    with running(mattermost_settings(database_url, fake_mattermost)) as (base, core):
        yield MattermostDriver(base=base, fake=fake_mattermost, core=core)


def test_mattermost_every_endpoint_and_each_forgery(
    mm: MattermostDriver, clean_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    mm.command(LEADER, "/news", "Vraie actualité")  # genuine: stored and posted
    mm.posts(QUEUE, 1)
    mm.replies(1)  # the confirmation is the last thing the genuine request does
    mm.command(CM, "/cm", "role edit")  # a genuine dialog, opened for the CM
    dialog = mm.form()["dialog"]
    secret = action_secret("mm-bot-token-secret")
    genuine_click = mm.action_payload(CM, "news.reject", "1")
    submission = {
        "type": "dialog_submission",
        "callback_id": "charter.role",
        "state": dialog["state"],
        "user_id": CM,
        "channel_id": "chgeneral",
        "team_id": "team1",
        "submission": {"text": "+ FORGED-TEXT"},
        "cancelled": False,
    }
    sealed = lambda **kw: seal(
        secret,
        DialogState(
            **{
                "form_id": "charter.role",
                "user_id": CM,
                "channel": "c",
                "state": "fr",
                **kw,
            }
        ),
        now=time.time(),
    )
    body, sig = dialog["state"].split(".")
    post = lambda path, **kw: httpx.post(f"{mm.base}/mattermost/{path}", timeout=10, **kw)
    hook = {
        "token": "hooktoken",
        "channel_id": "chgeneral",
        "user_id": LEADER,
        "post_id": "p9",
        "text": "@relais FORGED-TEXT",
    }
    forgeries: list[Forgery] = [
        ("mattermost command: wrong token", lambda: mm.command(CM, "/news", "FORGED-TEXT", token="stolen")),
        ("mattermost command: no token", lambda: mm.command(CM, "/news", "FORGED-TEXT", token="")),
        ("mattermost mention webhook: wrong token", lambda: post("mention", json={**hook, "token": "stolen"})),
        (
            "mattermost mention webhook: no token",
            lambda: post("mention", json={k: v for k, v in hook.items() if k != "token"}),
        ),
        (
            "mattermost button: context altered (another news item)",
            lambda: post("action", json={**genuine_click, "context": {**genuine_click["context"], "value": "2"}}),
        ),
        (
            "mattermost button: context altered (other action)",
            lambda: post(
                "action", json={**genuine_click, "context": {**genuine_click["context"], "action_id": "news.publish"}}
            ),
        ),
        (
            "mattermost button: unsigned context",
            lambda: post("action", json={**genuine_click, "context": {"action_id": "news.reject", "value": "1"}}),
        ),
        ("mattermost button: no context", lambda: post("action", json={"user_id": CM})),
        ("mattermost dialog: no state", lambda: post("dialog", json={**submission, "state": ""})),
        (
            "mattermost dialog: unsigned JSON state (the old format)",
            lambda: post("dialog", json={**submission, "state": json.dumps({"state": "fr", "channel": "c"})}),
        ),
        (
            "mattermost dialog: state altered",
            lambda: post("dialog", json={**submission, "state": body[:-2] + "xx." + sig}),
        ),
        (
            "mattermost dialog: signature altered",
            lambda: post("dialog", json={**submission, "state": body + "." + "0" * 64}),
        ),
        (
            "mattermost dialog: expired state",
            lambda: post(
                "dialog",
                json={
                    **submission,
                    "state": seal(secret, DialogState("charter.role", CM, "c", "fr"), now=time.time() - DIALOG_TTL - 1),
                },
            ),
        ),
        (
            "mattermost dialog: opened for the CM, sent as another user",
            lambda: post("dialog", json={**submission, "user_id": LEADER}),
        ),
        (
            "mattermost dialog: opened for the CM, sent as an admin",
            lambda: post("dialog", json={**submission, "user_id": "UADMIN"}),
        ),
        (
            "mattermost dialog: state of another form",
            lambda: post("dialog", json={**submission, "callback_id": "charter.moderation"}),
        ),
        (
            "mattermost dialog: state for the leader, sent as the CM",
            lambda: post("dialog", json={**submission, "state": sealed(user_id=LEADER)}),
        ),
    ]
    refused_without_change(clean_engine, forgeries, caplog)
    assert "FORGED-TEXT" not in caplog.text and "refused a dialog submission" in caplog.text
    assert mm.fake.patches() == [] and mm.fake.api_calls("/posts") and len(mm.fake.api_calls("/posts")) == 1

    # The genuine submission still works afterwards: the dialog was not spent by the forgeries.
    assert post("dialog", json={**submission, "submission": {"text": "+ Animer les réseaux"}}).status_code == 200
    assert "saved" in mm.dms(CM, 1)[0]
    with mm.core.deps.db() as s:
        assert s.scalars(select(Charter.text)).all() == ["+ Animer les réseaux"]


def test_mattermost_a_cm_form_is_checked_against_the_person_it_was_opened_for(
    mm: MattermostDriver, clean_engine: Engine
) -> None:
    """A genuinely signed state for a leader (say, opened before they lost a role) cannot save a CM form."""
    secret = action_secret("mm-bot-token-secret")
    state = seal(secret, DialogState("charter.role", LEADER, "chgeneral", "fr"), now=time.time())
    resp = httpx.post(
        f"{mm.base}/mattermost/dialog",
        timeout=10,
        json={
            "type": "dialog_submission",
            "callback_id": "charter.role",
            "state": state,
            "user_id": LEADER,
            "channel_id": "chgeneral",
            "submission": {"text": "+ Tout faire"},
            "cancelled": False,
        },
    )
    assert resp.status_code == 200
    dm = mm.dms(LEADER, 1)[0]
    assert "Only the CM and admins" in dm
    with mm.core.deps.db() as s:
        assert s.scalars(select(Charter)).all() == [] and s.scalars(select(News)).all() == []
