"""Slack, end to end: topics, charters, the moderation log and the weekly recap."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import inspect, select

from bot.bootstrap import bootstrap, chat_for
from handlers.core.tables import Outbox
from handlers.core.uow import SqlUnitOfWork
from handlers.moderation.entries import store
from handlers.moderation.tables import ModerationEntry
from handlers.recap.data import last_week, parse_week
from tests.conftest import TestClock
from tests.e2e.conftest import CM, LEADER, QUEUE, TEAM, SlackClient, blocks_text, serving, slack_settings, tick

ENTRY = {
    "network": "facebook",
    "link": "https://facebook.com/p/1",
    "author": "Jean <b>Dupont</b>",
    "excerpt": "Honteux <!channel>, cette fusion des antennes !",
    "severity": "high",
    "handling": "pending",
}


def log_entry(slack: SlackClient, values: dict) -> dict:
    slack.command(CM, "/cm", "log")
    view = slack.fake.wait_api("views.open")[-1]["view"]
    assert slack.submit(CM, view, values).status_code == 200
    return view


def test_topics_then_a_logged_entry_is_posted_escaped_with_its_topic_and_buttons(slack):
    slack.command(CM, "/cm", "topics add Fusion des antennes: fusion, regroupement")
    assert "Fusion des antennes" in blocks_text(slack.fake.wait_for("/response/1")[0])
    view = log_entry(slack, ENTRY)
    kinds = {b["block_id"]: b["element"]["type"] for b in view["blocks"]}
    assert kinds == {
        "network": "static_select",
        "link": "plain_text_input",
        "author": "plain_text_input",
        "excerpt": "plain_text_input",
        "severity": "static_select",
        "handling": "static_select",
        "reason": "plain_text_input",
        "note": "plain_text_input",
    }
    card = slack.fake.wait_api("chat.postMessage")[0]
    text_ = blocks_text(card)
    assert card["channel"] == QUEUE and "⚠ Fusion des antennes" in text_
    assert "<!channel>" not in text_ and "&lt;!channel&gt;" in text_ and "&lt;b&gt;Dupont" in text_
    buttons = [e["action_id"] for b in card["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons == [
        "moderation.replied",
        "moderation.hidden",
        "moderation.deleted",
        "moderation.escalated",
        "moderation.ignored",
        "moderation.note",
    ]
    confirmation = slack.fake.wait_api("chat.postMessage", 2)[1]  # modals answer by DM
    assert confirmation["channel"] == f"D{CM}" and "Logged as #1" in blocks_text(confirmation)


def test_form_errors_are_shown_next_to_the_fields(slack):
    slack.command(CM, "/cm", "log")
    view = slack.fake.wait_api("views.open")[0]["view"]
    errors = slack.submit(CM, view, {**ENTRY, "excerpt": None, "link": "pas un lien", "handling": "ignored"}).json()
    assert errors["response_action"] == "errors" and set(errors["errors"]) == {"excerpt", "link", "reason"}
    with slack.core.deps.db() as s:
        assert s.scalars(select(ModerationEntry)).all() == []


def test_handling_buttons_update_the_card_and_ignored_asks_a_reason(slack):
    log_entry(slack, ENTRY)
    ts = slack.fake.wait_api("chat.postMessage")[0]
    slack.click(CM, "moderation.replied", "1", "1700000000.000001")
    update = slack.fake.wait_api("chat.update")[0]
    assert update["ts"] == "1700000000.000001" and "replied by <@UCM>" in blocks_text(update)
    slack.click(CM, "moderation.ignored", "1", "1700000000.000001")
    view = slack.fake.wait_api("views.open", 2)[1]["view"]
    assert view["callback_id"] == "moderation.change"
    assert slack.submit(CM, view, {"handling": "ignored"}).json()["errors"] == {
        "reason": "Say why this message is ignored."
    }
    slack.submit(CM, view, {"handling": "ignored", "reason": "Troll connu", "note": "Vu avec le bureau"})
    update = slack.fake.wait_api("chat.update", 2)[1]
    assert "Troll connu" in blocks_text(update) and "Vu avec le bureau" in blocks_text(update)
    assert ts["channel"] == QUEUE


def test_leaders_cannot_log_or_change_entries(slack):
    log_entry(slack, ENTRY)
    slack.fake.wait_api("chat.postMessage", 2)
    slack.click(LEADER, "moderation.deleted", "1", "1700000000.000001")
    refusal = slack.fake.wait_until(lambda calls: any(c.path == "/response/2" for c in calls))
    assert "Only the CM and admins" in blocks_text([c.body for c in refusal if c.path == "/response/2"][0])
    assert slack.fake.api_calls("chat.update") == []


def test_charter_edit_opens_the_current_text_and_keeps_versions(slack):
    slack.command(CM, "/cm", "charter edit speaking")
    view = slack.fake.wait_api("views.open")[0]["view"]
    assert view["callback_id"] == "charter.speaking"
    assert "Who speaks in the association's name" in view["blocks"][0]["element"]["initial_value"]
    slack.submit(CM, view, {"text": "Seul le bureau parle au nom de l'association."})
    assert "Speaking charter saved (version 1)" in blocks_text(slack.fake.wait_api("chat.postMessage")[0])
    slack.command(LEADER, "/cm", "charter speaking history")
    assert "version 1 by <@UCM>" in blocks_text(slack.fake.wait_for("/response/2")[0])


def recap_posts(slack: SlackClient) -> list[dict]:
    return [c for c in slack.fake.api_calls("chat.postMessage") if c["channel"] == TEAM and "thread_ts" not in c]


def test_weekly_recap_posts_text_and_chart_once_even_across_a_restart(clean_engine, database_url, fake_slack):
    settings = slack_settings(database_url, fake_slack.api_url, recap_schedule=("mon", 0, 0))
    # Tuesday morning, whatever the hour the suite runs at: two hours later is still far from
    # the next slot (at Sunday 23:00 the test's move crossed it and a second recap was due)
    tuesday = datetime(2026, 12, 1, 10, 0, tzinfo=settings.timezone)
    with serving(settings, fake_slack, TestClock(tuesday)) as first:
        week = last_week(first.core.deps.clock(), settings.timezone)
        seen = datetime.combine(parse_week(week), datetime.min.time(), settings.timezone) + timedelta(days=2, hours=10)
        store(SqlUnitOfWork(first.core.deps), CM, {**ENTRY, "author": "Jean"}, seen.astimezone(timezone.utc))
        tick(first.core)
        fake_slack.wait_api("files.completeUploadExternal")  # the chart: the server's own first tick may be sending it
        tables = inspect(first.core.engine).get_table_names()
        assert "apscheduler_jobs" not in tables and "recap_runs" not in tables  # jobs live in memory
    posts = recap_posts(first)
    assert (
        len(posts) == 1
        and f"week {week}" in blocks_text(posts[0])
        and "Negative messages:* 1 (+1" in blocks_text(posts[0])
    )
    upload = fake_slack.api_calls("files.getUploadURLExternal")[0]
    assert upload["filename"] == f"moderation-{week}.png"
    sent = [c.body["content"] for c in fake_slack.calls if c.path.startswith("/upload/")][0]
    assert sent.startswith(b"\x89PNG") and int(upload["length"]) == len(sent)
    complete = fake_slack.api_calls("files.completeUploadExternal")[0]
    assert complete["channel_id"] == TEAM
    with serving(settings, fake_slack, TestClock(tuesday)) as second:  # restarted, the recap posted already
        tick(second.core)
        tick(second.core, timedelta(hours=2))
    assert len(recap_posts(second)) == 1
    with second.core.engine.connect() as conn:
        assert conn.execute(select(Outbox.delivered_at).where(Outbox.dedupe_key == f"recap:{week}")).scalar()


def test_a_recap_missed_while_down_is_posted_at_start(clean_engine, database_url, fake_slack):
    settings = slack_settings(database_url, fake_slack.api_url, recap_schedule=("mon", 0, 0))
    clock = TestClock()
    down = bootstrap(settings, chat_for(settings), clock=clock)  # the entry is stored while no scheduler runs:
    week = last_week(clock(), settings.timezone)  # a server's own start-up tick would post the recap at once
    seen = datetime.combine(parse_week(week), datetime.min.time(), settings.timezone) + timedelta(days=1)
    store(SqlUnitOfWork(down.deps), CM, ENTRY, seen.astimezone(timezone.utc))
    down.engine.dispose()
    fake_slack.calls.clear()
    with serving(settings, fake_slack, clock) as client:  # the catch-up runs as the scheduler starts
        posts = fake_slack.wait_until(lambda calls: any(c.body.get("channel") == TEAM for c in calls))
    assert [c for c in posts if c.body.get("channel") == TEAM][0].path == "/api/chat.postMessage"
    assert client is not None


def test_the_text_recap_is_posted_even_when_the_chart_upload_fails(clean_engine, database_url, fake_slack):
    from tests.fakes.slack_api import SERVER_ERROR

    settings = slack_settings(database_url, fake_slack.api_url, recap_schedule=("mon", 0, 0))
    fake_slack.fail(fake_slack.api("files.getUploadURLExternal"), SERVER_ERROR, times=5)
    with serving(settings, fake_slack) as client:  # the run's own clock: a retry left running ticks on it
        week = last_week(client.core.deps.clock(), settings.timezone)
        seen = datetime.combine(parse_week(week), datetime.min.time(), settings.timezone) + timedelta(days=3)
        store(SqlUnitOfWork(client.core.deps), CM, ENTRY, seen.astimezone(timezone.utc))
        tick(client.core)
        # the server's own first tick may have posted the recap, and its worker owns the chart's
        # row: the chart is tried, whoever sends it, and fails without taking the text with it
        tried = fake_slack.wait_api("files.getUploadURLExternal")
    assert len(recap_posts(client)) == 1
    assert fake_slack.api_calls("files.completeUploadExternal") == []
    assert tried[0]["filename"] == f"moderation-{week}.png"
