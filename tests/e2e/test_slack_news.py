"""Slack, end to end: leaders send news, the CM triages, the submitter is told."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from handlers.news.tables import News
from tests.e2e.conftest import CM, LEADER, QUEUE, SlackClient, blocks_text


def send_news(slack: SlackClient, text: str = "Fête des bénévoles samedi 14h\nVenez nombreux !") -> dict:
    assert slack.command(LEADER, "/news", text).status_code == 200
    return slack.fake.wait_api("chat.postMessage")[-1]


def test_quick_news_is_posted_to_the_queue_with_buttons(slack):
    post = send_news(slack)
    assert post["channel"] == QUEUE
    assert post["blocks"][0] == {
        "type": "section",
        "text": {"type": "mrkdwn", "text": "*📰 Fête des bénévoles samedi 14h*"},
    }
    text = blocks_text(post)
    assert "Venez nombreux !" in text and f"<@{LEADER}>" in text
    buttons = [e["action_id"] for b in post["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons == ["news.approve", "news.schedule", "news.ask", "news.reject"]
    reply = slack.fake.wait_for("/response/1")[0]
    assert reply["response_type"] == "ephemeral" and "Sent to the CM" in blocks_text(reply)


def test_news_form_opens_a_modal_and_its_submission_is_queued(slack):
    slack.command(LEADER, "/news", "")
    opened = slack.fake.wait_api("views.open")[0]
    view = opened["view"]
    assert opened["trigger_id"] == f"trig-{LEADER}" and view["callback_id"] == "news.submit"
    kinds = {b["block_id"]: b["element"]["type"] for b in view["blocks"]}
    assert kinds == {
        "title": "plain_text_input",
        "body": "plain_text_input",
        "category": "static_select",
        "wished_date": "datepicker",
        "links": "plain_text_input",
    }
    response = slack.submit(
        LEADER,
        view,
        {
            "title": "AG",
            "body": "Assemblée générale",
            "category": "event",
            "wished_date": "2099-06-01",
            "links": "https://asso.example/ag",
        },
    )
    assert response.status_code == 200 and response.text == ""
    post = slack.fake.wait_api("chat.postMessage")[0]
    assert "Event" in blocks_text(post) and "1 Jun 2099" in blocks_text(post)
    # Slack gives no response_url for modals: the confirmation goes to the submitter's DM
    assert slack.fake.wait_api("conversations.open")[0]["users"] == LEADER
    confirmation = slack.fake.wait_api("chat.postMessage", 2)[1]
    assert confirmation["channel"] == f"D{LEADER}" and "Sent to the CM" in blocks_text(confirmation)


def test_form_errors_come_back_next_to_the_fields_and_nothing_is_stored(slack):
    slack.command(LEADER, "/news", "")
    view = slack.fake.wait_api("views.open")[0]["view"]
    response = slack.submit(LEADER, view, {"title": "x" * 151, "category": "event", "wished_date": "2001-01-01"})
    body = response.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"title", "wished_date"}
    assert "limit is 150" in body["errors"]["title"]
    with slack.core.deps.db() as s:
        assert s.scalar(select(func.count()).select_from(News)) == 0
    assert slack.fake.api_calls("chat.postMessage") == []


def test_approve_updates_in_place_dms_once_and_a_double_click_changes_nothing(slack):
    post = send_news(slack)
    ts = "1700000000.000001"
    slack.click(CM, "news.approve", "1", ts)
    slack.click(CM, "news.approve", "1", ts)
    update = slack.fake.wait_api("chat.update")[0]
    assert (update["channel"], update["ts"]) == (QUEUE, ts)
    assert "approved by <@UCM>" in blocks_text(update)
    dm = slack.fake.wait_api("chat.postMessage", 2)[1]
    assert dm["channel"] == f"D{LEADER}" and "was approved by <@UCM>" in blocks_text(dm)
    # the two clicks run concurrently: whichever lost the race is told, once
    calls = slack.fake.wait_until(lambda calls: sum(c.path in ("/response/2", "/response/3") for c in calls) >= 1)
    refusals = [c.body for c in calls if c.path in ("/response/2", "/response/3")]
    assert len(refusals) == 1 and "Nothing changed" in blocks_text(refusals[0])
    assert refusals[0]["replace_original"] is False
    assert len(slack.fake.api_calls("chat.update")) == 1
    assert len(slack.fake.api_calls("conversations.open")) == 1
    assert post["channel"] == QUEUE


def test_schedule_opens_a_date_modal_then_updates_and_dms(slack):
    send_news(slack)
    slack.click(CM, "news.schedule", "1", "1700000000.000001")
    view = slack.fake.wait_api("views.open")[0]["view"]
    assert view["callback_id"] == "news.schedule" and json.loads(view["private_metadata"])["state"] == "1"
    assert view["blocks"][0]["element"]["type"] == "datepicker"
    assert slack.submit(CM, view, {"date": "2001-01-01"}).json()["errors"] == {"date": "This date is in the past."}
    slack.submit(CM, view, {"date": "2099-12-24", "note": "Avec la photo"})
    update = slack.fake.wait_api("chat.update")[0]
    assert "scheduled" in blocks_text(update) and "24 Dec 2099" in blocks_text(update)
    dm = slack.fake.wait_api("chat.postMessage", 2)[1]
    assert "scheduled for 24 Dec 2099" in blocks_text(dm) and "Avec la photo" in blocks_text(dm)


def test_ask_for_info_and_the_answer_reaches_the_queue_thread(slack):
    send_news(slack)
    slack.click(CM, "news.ask", "1", "1700000000.000001")
    view = slack.fake.wait_api("views.open")[0]["view"]
    slack.submit(CM, view, {"note": "À quelle heure ?"})
    dm = slack.fake.wait_api("chat.postMessage", 2)[1]
    assert "À quelle heure ?" in blocks_text(dm)
    answer_button = [e for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"]][0]
    slack.click(LEADER, answer_button["action_id"], answer_button["value"], "1700000000.000002", channel=f"D{LEADER}")
    answer_view = slack.fake.wait_api("views.open", 2)[1]["view"]
    slack.submit(LEADER, answer_view, {"note": "14h, salle des fêtes"})
    thread_reply = slack.fake.wait_api("chat.postMessage", 3)[2]
    assert thread_reply["channel"] == QUEUE and thread_reply["thread_ts"] == "1700000000.000001"
    assert "14h, salle des fêtes" in blocks_text(thread_reply)
    update = slack.fake.wait_api("chat.update", 2)[1]
    assert "À quelle heure ?" in blocks_text(update) and "14h, salle des fêtes" in blocks_text(update)


def test_reject_needs_a_reason(slack):
    send_news(slack)
    slack.click(CM, "news.reject", "1", "1700000000.000001")
    view = slack.fake.wait_api("views.open")[0]["view"]
    assert slack.submit(CM, view, {"note": None}).json()["errors"] == {"note": "This field is required."}
    slack.submit(CM, view, {"note": "Hors sujet"})
    dm = slack.fake.wait_api("chat.postMessage", 2)[1]
    assert "Reason: Hors sujet" in blocks_text(dm)


def test_news_mine_and_queue(slack):
    send_news(slack)
    slack.command(LEADER, "/news", "mine")
    mine = slack.fake.wait_for("/response/2")[0]
    assert "Fête des bénévoles samedi 14h" in blocks_text(mine)
    slack.command(CM, "/cm", "queue")
    queue = slack.fake.wait_for("/response/3")[0]
    assert "News waiting for a decision" in blocks_text(queue)


def test_a_first_burst_on_a_fresh_server_asks_slack_who_the_bot_is_once(slack):
    """Bolt's default made one auth.test per request until the first answer came back: a first
    burst of 20 held acks back by up to a second (bench/ack_latency.py, first burst)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(lambda i: slack.command(LEADER, "/news", f"Nouvelle {i}"), range(20)))
    assert [a.status_code for a in answers] == [200] * 20
    assert len(slack.fake.api_calls("auth.test")) == 1
