"""Slack's API unreachable: what a person sends is stored and acknowledged all the same,
and posted once when Slack is back (DESIGN.md §5, "Authorization before the inbox")."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, func, select

from handlers.core.tables import Inbox, Outbox
from handlers.news.tables import News
from tests.e2e.conftest import CM, LEADER, QUEUE, blocks_text, serving, slack_settings, tick
from tests.fakes.slack_api import FakeSlack
from tests.networks.snac import until


def kept_answers(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).where(Outbox.kind == "core.kept_answer")).scalar_one()


def test_with_slack_unreachable_a_signed_news_a_shortcut_and_a_click_are_stored_then_posted_once(
    clean_engine, database_url
):
    down = FakeSlack()
    down.close()  # Slack's API is now a closed port: every call is refused
    settings = slack_settings(database_url, down.api_url)
    with serving(settings, down) as slack:
        news = slack.command(LEADER, "/news", "Fête des bénévoles samedi\nVenez nombreux !")
        message = {"type": "message", "user": CM, "ts": "1700000300.000200", "text": "Vide-grenier dimanche"}
        shortcut = slack.interact({"type": "message_action", "callback_id": "send_to_cm", "trigger_id": "trig-sc",
                                   "response_url": down.response_url(), "team": {"id": "T1"}, "user": {"id": LEADER},
                                   "channel": {"id": "CLEADERS"}, "message_ts": message["ts"], "message": message})  # fmt: skip
        click = slack.click(CM, "news.approve", "1", channel=QUEUE)
        print("acks while Slack is unreachable:", news.status_code, shortcut.status_code, click.status_code)
        assert (news.status_code, shortcut.status_code, click.status_code) == (200, 200, 200)
        tick(slack.core, timedelta(minutes=1))  # the rows a worker could not finish are taken up again
        with slack.core.engine.connect() as conn:
            stored = conn.execute(select(News.title, News.status)).all()
            inbox = conn.execute(select(func.count()).select_from(Inbox)).scalar()
            waiting = conn.execute(select(func.count()).where(Outbox.delivered_at.is_(None))).scalar()
        print("stored:", stored, "inbox rows:", inbox, "waiting in the outbox:", waiting)
        assert stored == [("Fête des bénévoles samedi", "approved")] and inbox == 3 and waiting
        # the answers to /news and to the shortcut, refused at their response_url, are kept for a DM:
        # a worker thread may still be trying when Slack comes back, and would then answer in place
        until(lambda: kept_answers(slack.core.engine) == 2, timeout=20)

        back = FakeSlack(port=down.port)  # Slack is back, where it was
        try:
            for minutes in (10, 20, 40):  # the outbox's back-off passes
                tick(slack.core, timedelta(minutes=minutes))
            cards = [c for c in back.api_calls("chat.postMessage") if c["channel"] == QUEUE]
            told = [c for c in back.api_calls("chat.postMessage") if c["channel"] != QUEUE]
            print("posted after:", len(cards), "card(s) and these DMs:")
            for dm in told:
                print("  ", dm["text"][:110])
            assert len(cards) == 1 and "Fête des bénévoles samedi" in blocks_text(cards[0])
            said = [blocks_text(c) for c in told]
            assert sum("Saved as #1" in t for t in said) == 1  # the /news answer, by DM: its response_url failed
            assert sum("has reached the CM" in t for t in said) == 1  # as the answer promised
            assert sum("was approved" in t for t in said) == 1  # the submitter is told of the CM's click once
            offers = [c for c in told if "could not open" in blocks_text(c)]
            assert len(offers) == 1  # the shortcut's form is kept and offered once
            button = offers[0]["blocks"][-1]["elements"][0]
            slack.click(LEADER, button["action_id"], button["value"], channel="DULEADER")
            view = back.wait_api("views.open")[0]["view"]
            initial = {b["block_id"]: b["element"].get("initial_value") for b in view["blocks"]}
            assert initial["title"] == "Vide-grenier dimanche"  # reopened as it was, from the click's own trigger
            assert back.problems == []
        finally:
            back.close()
