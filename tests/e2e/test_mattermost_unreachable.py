"""Mattermost's API unreachable: a slash command, a dialog asked for, a button and a mention
are stored and acknowledged all the same, and answered once when the server is back."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import func, select

from bot.platforms.mattermost_proof import action_secret, sign
from handlers.core.tables import Inbox, Outbox
from handlers.news.tables import News
from tests.e2e.conftest import CM, LEADER, QUEUE, mattermost_settings, running, tick
from tests.e2e.drivers import MattermostDriver
from tests.fakes.mattermost_api import FakeMattermost

BOT_TOKEN = "mm-bot-token-secret"


def test_with_mattermost_unreachable_a_command_a_dialog_a_click_and_a_mention_are_stored_then_answered_once(
    clean_engine, database_url
):
    down = FakeMattermost()
    down.close()  # the server is now a closed port: every call is refused
    with running(mattermost_settings(database_url, down)) as (base, core):
        mm = MattermostDriver(base=base, fake=down, core=core)
        news = mm.command(LEADER, "/news", "Fête des bénévoles samedi\nVenez nombreux !")
        dialog = mm.command(LEADER, "/news", "")  # the form cannot open: it is kept
        context = {
            "action_id": "news.approve",
            "value": "1",
            "sig": sign(action_secret(BOT_TOKEN), "news.approve", "1"),
        }
        click = httpx.post(f"{base}/mattermost/action", timeout=10, json={
            "user_id": CM, "user_name": "ucm", "channel_id": QUEUE, "team_id": "team1", "post_id": "card1",
            "trigger_id": f"trig-{CM}", "type": "", "context": context})  # fmt: skip
        mention = httpx.post(f"{base}/mattermost/mention", timeout=10, json={
            "token": "hooktoken", "team_id": "team1", "channel_id": "chgeneral", "user_id": LEADER,
            "user_name": "uleader", "post_id": "postA", "text": "@relais can you fix the printer?",
            "trigger_word": "@relais"})  # fmt: skip
        acks = (news.status_code, dialog.status_code, click.status_code, mention.status_code)
        print("acks while Mattermost is unreachable:", acks)
        assert acks == (200, 200, 200, 200)
        tick(core, timedelta(minutes=1))  # the rows a worker could not finish are taken up again
        with core.engine.connect() as conn:
            stored = conn.execute(select(News.title, News.status)).all()
            inbox = conn.execute(select(func.count()).select_from(Inbox)).scalar()
            waiting = conn.execute(select(func.count()).where(Outbox.delivered_at.is_(None))).scalar()
        print("stored:", stored, "inbox rows:", inbox, "waiting in the outbox:", waiting)
        assert stored == [("Fête des bénévoles samedi", "approved")] and inbox == 4 and waiting

        back = FakeMattermost(port=down.port)  # the server is back, where it was
        back.user_post("rootpost", "chgeneral", "Qui gère l'imprimante ?", user_id=LEADER)
        back.user_post("postA", "chgeneral", "@relais can you fix the printer?", user_id=LEADER, root_id="rootpost")
        mm = MattermostDriver(base=base, fake=back, core=core)
        try:
            for minutes in (10, 20, 40):  # the outbox's back-off passes
                tick(core, timedelta(minutes=minutes))
            posts = back.api_calls("/posts")
            cards = [p for p in posts if p["channel_id"] == QUEUE]
            told = [p["message"] for p in posts if p["channel_id"].startswith("dm-")]
            answers = [p for p in posts if p["channel_id"] == "chgeneral"]
            print("posted after:", len(cards), "card(s),", len(answers), "mention answer(s) and these DMs:")
            for dm in told:
                print("  ", dm[:110])
            assert len(cards) == 1 and "Fête des bénévoles samedi" in str(cards[0])
            assert sum("Saved as #1" in t for t in told) == 1  # the /news answer, by DM: its response_url failed
            assert sum("reached the CM" in t for t in told) == 1
            assert sum("was approved" in t for t in told) == 1
            assert [a["root_id"] for a in answers] == ["rootpost"]  # under the thread's root, found once back
            offers = [p for p in posts if "could not open" in str(p)]
            assert len(offers) == 1  # the form asked for is kept and offered once
            button = offers[0]["props"]["attachments"][-1]["actions"][0]["integration"]["context"]
            mm.click(LEADER, button["action_id"], button["value"], where="dm")
            assert mm.form()["dialog"]["callback_id"] == "news.submit"  # the news form, opened from the click
            assert back.problems == []
        finally:
            back.close()
