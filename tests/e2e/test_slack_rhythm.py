"""Slack, end to end: the App Home tab, personal reminders with Slack's user picker,
and the weekly call for news with its button."""

from __future__ import annotations

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

from tests.e2e.conftest import CM, LEADER, FakeSlack, blocks_text, serving, slack_settings, tick

LEADERS = "CLEADERS"


def homes(fake: FakeSlack, user: str) -> list[str]:
    published = [c for c in fake.api_calls("views.publish") if c["user_id"] == user]
    return [blocks_text(json.loads(c["view"]) if isinstance(c["view"], str) else c["view"]) for c in published]


def published(fake: FakeSlack, user: str, words: str) -> None:
    """Wait until `user`'s home was published with `words` in it."""

    def seen(calls: list) -> bool:  # type: ignore[type-arg]
        views = [c.body for c in calls if c.path.endswith("views.publish") and c.body.get("user_id") == user]
        return any(
            words in blocks_text(v["view"] if isinstance(v["view"], dict) else json.loads(v["view"])) for v in views
        )

    fake.wait_until(seen)


def test_the_home_tab_shows_each_person_their_part_and_follows_changes(slack):
    assert slack.home_opened(LEADER, "Ev-home-1").status_code == 200
    published(slack.fake, LEADER, "You have not sent any news yet.")
    assert '"action_id": "newsform.open"' in homes(slack.fake, LEADER)[-1]
    slack.home_opened(CM, "Ev-home-2")
    published(slack.fake, CM, "the CM's desk")
    desk = homes(slack.fake, CM)[-1]
    assert "🆕 new 0" in desk and "0 to handle" in desk and "Nothing scheduled." in desk
    slack.command(LEADER, "/news", "Loto du club")
    slack.fake.wait_api("chat.postMessage")
    tick(slack.core)  # what the homes show changed: each is published again
    published(slack.fake, CM, "🆕 new 1")
    published(slack.fake, LEADER, "Loto du club")
    before = len(slack.fake.api_calls("views.publish"))
    tick(slack.core)
    tick(slack.core)
    assert len(slack.fake.api_calls("views.publish")) == before  # nothing changed: nothing published
    slack.click(LEADER, "newsform.open", "form", channel=f"D{LEADER}")
    assert slack.fake.wait_api("views.open")[-1]["view"]["callback_id"] == "news.submit"


def test_a_reminder_for_a_person_uses_slacks_user_picker_and_a_channel_without_relais_is_refused(slack):
    slack.command(LEADER, "/cm", "remind")
    view = slack.fake.wait_api("views.open")[-1]["view"]
    view = json.loads(view) if isinstance(view, str) else view
    kinds = {b["block_id"]: b["element"]["type"] for b in view["blocks"]}
    assert kinds["person"] == "users_select" and kinds["target"] == "static_select"
    values = {"target": "person", "person": CM, "text": "Relire la charte", "when": "lundi 9h", "repeat": "weekly"}
    assert slack.submit(LEADER, view, values).status_code == 200
    said = slack.fake.wait_api("chat.postMessage")[-1]
    assert said["channel"] == f"D{LEADER}" and "Reminder #1 saved, for <@" in blocks_text(said)
    slack.fake.outside.add("CGENERAL")
    slack.submit(LEADER, view, {**values, "target": "channel"})
    refused = slack.fake.wait_api("chat.postMessage", 2)[-1]
    assert "I am not in this channel" in blocks_text(refused) and "Relire la charte" in blocks_text(refused)
    assert slack.fake.api_calls("conversations.info")[-1]["channel"] == "CGENERAL"


def test_the_weekly_call_for_news_lands_in_the_leaders_channel_and_its_button_opens_the_form(
    clean_engine, database_url, fake_slack
):
    settings = slack_settings(
        database_url,
        fake_slack.api_url,
        leaders_channel=LEADERS,
        news_call_schedule=("fri", 10, 0),
        holidays_country="",  # the coming Friday, holiday or not
    )
    with serving(settings, fake_slack) as slack:
        paris = ZoneInfo("Europe/Paris")
        now = slack.core.deps.clock().astimezone(paris)
        friday = (now + timedelta(days=(4 - now.weekday()) % 7)).replace(hour=10, minute=5, second=0, microsecond=0)
        if friday <= now:
            friday += timedelta(days=7)
        ahead = friday - now
        tick(slack.core, ahead)
        tick(slack.core, ahead)
        calls = [c for c in slack.fake.api_calls("chat.postMessage") if c["channel"] == LEADERS]
        assert len(calls) == 1 and "Any news for the CM this week?" in blocks_text(calls[0])
        slack.click(LEADER, "newsform.open", "form", channel=LEADERS)
        assert slack.fake.wait_api("views.open")[-1]["view"]["callback_id"] == "news.submit"
