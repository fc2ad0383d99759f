"""Slack, end to end: role questions, mentions, escaping, forged requests and platform failures."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from sqlalchemy import select

from handlers.core.tables import Inbox, Outbox, TeamState
from handlers.news.tables import News
from tests.e2e.conftest import (
    CM,
    LEADER,
    QUEUE,
    TOKEN,
    SlackClient,
    blocks_text,
    client_get,
    serving,
    sign,
    slack_settings,
    tick,
)
from tests.fakes.slack_api import RATELIMITED, SERVER_ERROR, TIMEOUT


def test_unknown_subcommand_answers_with_the_help(slack):
    slack.command(LEADER, "/cm", "dance")
    answer = slack.fake.wait_for("/response/1")[0]
    assert "I do not know “/cm dance”" in blocks_text(answer) and "/news mine" in blocks_text(answer)


def test_a_mention_is_answered_in_thread_once_even_when_slack_retries(slack):
    assert slack.mention(LEADER, "<@UBOT> can you post our event on Facebook?", "Ev1").status_code == 200
    answer = slack.fake.wait_api("chat.postMessage")[0]
    assert answer["channel"] == "CGENERAL" and answer["thread_ts"] == "1700000099.000100"
    assert "Yes, this is part of the CM's role" in blocks_text(answer)
    assert slack.mention(LEADER, "<@UBOT> can you post our event on Facebook?", "Ev1", retry=1).status_code == 200
    slack.mention(LEADER, "<@UBOT> what is the role of the CM?", "Ev2")
    second = slack.fake.wait_api("chat.postMessage", 2)
    assert len(second) == 2 and "Part of the CM's role" in blocks_text(second[1])  # Ev1's retry was skipped


def test_user_text_never_pings_and_is_escaped(slack):
    slack.command(LEADER, "/news", "Alerte <!channel> @here <!everyone>\nVoir <@U999> & <b>gras</b> @channel")
    post = slack.fake.wait_api("chat.postMessage")[0]
    text = blocks_text(post)
    for ping in ("<!channel>", "<!here>", "<!everyone>", "<@U999>", "<b>", "@here", "@channel"):
        assert ping not in text, ping
    assert "&lt;!channel&gt;" in text and "&lt;@\u2060U999&gt; &amp; &lt;b&gt;" in text
    assert "@\u2060here" in text and "@\u2060channel" in text


def test_unsigned_forged_and_stale_requests_get_401_and_do_nothing(slack):
    body = "command=%2Fnews&text=forged&user_id=UX&response_url=http%3A%2F%2F127.0.0.1%3A1%2F"
    form = "application/x-www-form-urlencoded"
    assert slack.post(body, form, signed=False).status_code == 401
    assert (
        slack.post(body, form, {"X-Slack-Signature": "v0=00", "X-Slack-Request-Timestamp": "soon"}).status_code == 401
    )
    assert slack.post(body, form, sign(body, secret="not-the-secret")).status_code == 401
    assert slack.post(body, form, sign(body, timestamp=int(time.time()) - 3600)).status_code == 401
    with slack.core.deps.db() as s:
        assert s.scalars(select(News)).all() == []
    assert slack.fake.api_calls("chat.postMessage") == []


def test_healthz_reports_the_database_and_a_ticker_that_stopped(clean_engine, database_url, fake_slack):
    """`/healthz` of a core with no ticker of its own: the test alone says when the last tick
    was (a running ticker could tick between the two requests, as it once did on a loaded machine)."""
    import asyncio
    import json

    from bot.bootstrap import bootstrap
    from bot.runner import health
    from bot.web import health_of
    from tests.conftest import TestClock
    from tests.unit.conftest import RecordingChat

    core = bootstrap(slack_settings(database_url, fake_slack.api_url), RecordingChat(), clock=TestClock())
    healthz = health_of(health(core))
    response = asyncio.run(healthz(None))  # type: ignore[arg-type]
    assert response.status_code == 200
    body = json.loads(response.body)
    assert body.pop("ticker_last_tick_age_seconds") is None  # no tick yet, and just started
    assert body == {"status": "ok", "database": "ok", "platform": "slack", "due": 0, "failing": 0, "failed": 0}
    deps = core.deps
    with deps.db.begin() as s:  # the last tick, four periods ago: the ticker has stopped
        s.merge(TeamState(key="ticker:last", value=(deps.clock() - timedelta(hours=4)).isoformat()))
    stalled = asyncio.run(healthz(None))  # type: ignore[arg-type]
    assert stalled.status_code == 503 and json.loads(stalled.body)["status"] == "stalled"
    assert json.loads(stalled.body)["ticker_last_tick_age_seconds"] >= 4 * 3600


def test_starting_with_the_token_in_the_environment_logs_no_bolt_warning(
    clean_engine, database_url, fake_slack, monkeypatch, caplog
):
    """A .env puts SLACK_BOT_TOKEN in the environment, where Bolt reads it too."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    with caplog.at_level(logging.WARNING), serving(slack_settings(database_url, fake_slack.api_url), fake_slack):
        pass
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_a_rate_limited_post_is_retried_by_the_client(slack):
    slack.fake.fail(slack.fake.api("chat.postMessage"), RATELIMITED)
    slack.command(LEADER, "/news", "Loto de Noël")
    posts = slack.fake.wait_api("chat.postMessage", 2)
    assert posts[0] == posts[1]  # the same call, sent again after Retry-After
    assert "Sent to the CM" in blocks_text(slack.fake.wait_for("/response/1")[0])


def failed_once(slack: SlackClient, kind: str) -> None:
    """Wait until the handler has recorded the failed delivery (a condition, checked until it holds)."""

    def recorded() -> bool:
        with slack.core.deps.db() as s:
            return bool(s.scalar(select(Outbox.attempts).where(Outbox.kind == kind)))

    deadline = time.monotonic() + 10
    while not recorded():
        assert time.monotonic() < deadline, f"no failed {kind} delivery was recorded"
        time.sleep(0.02)


def retry_now(slack: SlackClient) -> None:
    """Time passes (the back-off runs out) and a tick runs; returns once it has run."""
    tick(slack.core, timedelta(hours=1))


def test_platform_down_keeps_the_news_then_the_scheduler_delivers_it(slack, caplog):
    caplog.set_level(logging.DEBUG)
    # fails the first call and the retry handler's second try
    slack.fake.fail(slack.fake.api("chat.postMessage"), SERVER_ERROR, times=2)
    slack.command(LEADER, "/news", "Collecte de jouets\nSamedi au local")
    reply = slack.fake.wait_for("/response/1")[0]
    assert "Saved as #1" in blocks_text(reply) and "Sent to the CM" not in blocks_text(reply)
    with slack.core.deps.db() as s:
        assert s.scalars(select(News.title)).all() == ["Collecte de jouets"]
        assert s.scalars(select(Outbox.last_error)).first() == "chat.postMessage: internal_error"
    assert client_get(slack, "/healthz").json()["failing"] == 1
    retry_now(slack)
    posts = slack.fake.api_calls("chat.postMessage")
    assert len(posts) == 4  # 2 failed, the queue post, the DM
    assert posts[2]["channel"] == QUEUE and "Collecte de jouets" in blocks_text(posts[2])
    assert posts[3]["channel"] == f"D{LEADER}" and "has now reached the CM" in blocks_text(posts[3])
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "internal_error" in logged and TOKEN not in logged and TOKEN.split("-")[-1] not in logged


def test_a_timeout_keeps_the_news_for_later(slack):
    slack.fake.fail(slack.fake.api("chat.postMessage"), TIMEOUT, times=3)
    slack.command(LEADER, "/news", "Vide-grenier")
    reply = slack.fake.wait_for("/response/1", timeout=20)[0]
    assert "Saved as #1" in blocks_text(reply)
    with slack.core.deps.db() as s:
        row = s.scalars(select(Outbox)).one()
    assert row.delivered_at is None and row.attempts == 1


def test_a_failed_dm_after_a_decision_is_retried_and_sent_once(slack):
    slack.command(LEADER, "/news", "Concert")
    slack.fake.wait_api("chat.postMessage")
    slack.fake.fail(slack.fake.api("conversations.open"), SERVER_ERROR, times=2)
    slack.click(CM, "news.approve", "1", "1700000000.000001")
    slack.fake.wait_api("chat.update")
    failed_once(slack, "news.status_dm")
    retry_now(slack)
    dm = slack.fake.api_calls("chat.postMessage")[1]
    assert "was approved" in blocks_text(dm)
    with slack.core.deps.db() as s:
        assert all(row.delivered_at for row in s.scalars(select(Outbox)))
    retry_now(slack)  # nothing is owed any more
    assert len(slack.fake.api_calls("chat.postMessage")) == 2


def test_long_text_is_split_between_words_never_inside_an_escape_or_a_mention():
    from bot.platforms.slack_blocks import SECTION_MAX, _chunks, blocks
    from handlers.core.messages import Md, Message, UserRef

    text = Md.of("{a} {who} {b}", a="R&D " * 740 + "x" * 37, who=UserRef("U123ABC"), b="<b> " * 800)
    sections = [b["text"]["text"] for b in blocks(Message(text=text)) if "text" in b]
    assert len(sections) >= 3 and all(len(s) <= SECTION_MAX for s in sections)
    joined = " ".join(sections)
    assert joined.count("<@U123ABC>") == 1 and joined.count("&amp;") == 740 and joined.count("&lt;b&gt;") == 800
    for section in sections:
        assert not section.endswith(("&", "&amp", "&lt", "<@U123", "<")) and not section.startswith(
            ("amp;", "lt;", "@U")
        )
    assert _chunks("a" * 2998 + "&amp;&amp;", 3000) == ["a" * 2998, "&amp;&amp;"]
    assert _chunks("mot " * 1000, 3000)[0].endswith("mot")


def test_the_fake_refuses_blocks_over_slacks_limits(fake_slack):
    import httpx

    resp = httpx.post(
        fake_slack.api_url + "chat.postMessage",
        json={
            "channel": "C1",
            "text": "x",
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "a" * 3001}}],
        },
    )
    assert resp.json() == {"ok": False, "error": "invalid_blocks"}
    assert fake_slack.problems == ["chat.postMessage: section text over 3000 characters"]
    fake_slack.problems.clear()


def test_a_direct_message_gets_an_offer_then_the_prefilled_news_form(slack):
    """message.im: a person's own message gets one reply in the DM; a bot's, an edit and a
    retry of the same event get none."""
    slack.direct_message(LEADER, "Loto du club samedi\nhttps://club.example.org/loto", "EvDM1")
    slack.direct_message(LEADER, "Loto du club samedi", "EvDM1")  # Slack's retry: the same event id
    slack.direct_message(LEADER, "from a bot", "EvDM2", bot_id="B1")
    slack.direct_message(LEADER, "edited", "EvDM3", subtype="message_changed")
    offer = slack.fake.wait_api("chat.postMessage")[0]
    assert offer["channel"] == f"D{LEADER}" and "Shall I send this to the CM as news?" in blocks_text(offer)
    send = next(e for b in offer["blocks"] if b["type"] == "actions" for e in b["elements"])
    slack.click(LEADER, send["action_id"], send["value"], channel=f"D{LEADER}")
    view = slack.fake.wait_api("views.open")[0]["view"]
    initial = {b["block_id"]: b["element"].get("initial_value") for b in view["blocks"]}
    assert initial["title"] == "Loto du club samedi" and initial["body"] == "https://club.example.org/loto"
    slack.submit(LEADER, view, {**initial, "category": "event"})
    cards = slack.fake.wait_api("chat.postMessage", 2)
    assert cards[1]["channel"] == QUEUE and "Loto du club samedi" in blocks_text(cards[1])
    with slack.core.deps.db() as s:  # the bot's message and the edit were never stored; the retry found its row
        assert s.scalars(select(Inbox.kind).where(Inbox.kind == "dm")).all() == ["dm"]


def test_send_to_the_cm_from_a_message_keeps_its_link_and_its_author(slack):
    """The message shortcut: the form opens prefilled from the trigger; the queue card
    shows who sent it, who wrote it and Slack's permalink."""
    message = {"type": "message", "user": CM, "ts": "1700000300.000200",
               "text": "Fête samedi à 14h\nInscriptions : <https://asso.example.org/fete?a=1&amp;b=2|le formulaire>"}  # fmt: skip
    slack.interact({"type": "message_action", "callback_id": "send_to_cm", "trigger_id": f"trig-{LEADER}",
                    "response_url": slack.fake.response_url(), "team": {"id": "T1"}, "user": {"id": LEADER},
                    "channel": {"id": "CLEADERS"}, "message_ts": message["ts"], "message": message})  # fmt: skip
    view = slack.fake.wait_api("views.open")[0]["view"]
    initial = {b["block_id"]: b["element"].get("initial_value") for b in view["blocks"]}
    assert initial["title"] == "Fête samedi à 14h"
    assert initial["body"] == "Inscriptions : le formulaire (https://asso.example.org/fete?a=1&b=2)"
    slack.submit(LEADER, view, {**initial, "category": "event"})
    card = blocks_text(slack.fake.wait_api("chat.postMessage")[0])
    assert "https://asso.slack.com/archives/CLEADERS/p1700000300000200" in card and f"<@{CM}>" in card
    slack.interact({"type": "shortcut", "callback_id": "report_comment", "trigger_id": f"trig-{LEADER}",
                    "team": {"id": "T1"}, "user": {"id": LEADER}})  # fmt: skip
    assert slack.fake.wait_api("views.open", 2)[1]["view"]["callback_id"] == "reports.new"
