"""`relais serve` on Slack, as it runs in production: its HTTP process holds none of
the features (bot/front.py), so a form opened from a bare `/news` is opened by a
worker, and a submitted form is checked by a worker before the ack, its errors shown
in the modal as Slack expects (`response_action: errors`)."""

from __future__ import annotations

import json

from tests.e2e.conftest import LEADER, QUEUE, SlackClient
from tests.e2e.processes import Serve, own_database


def test_the_news_form_opens_refuses_in_place_then_lands_in_the_queue(tmp_path, database_url, fake_slack):
    with own_database(database_url, tmp_path) as url:
        server = Serve(url, fake_slack.api_url, tmp_path / "serve.log")
        try:
            client = SlackClient(base=server.base, fake=fake_slack, core=None)  # type: ignore[arg-type]
            assert client.command(LEADER, "/news").status_code == 200
            view = fake_slack.wait_api("views.open")[0]["view"]
            assert view["callback_id"] == "news.submit"

            refused = client.submit(
                LEADER, view, {"title": "  ", "category": "event", "body": "Samedi 14 h, place Carnot"}
            )
            assert refused.status_code == 200
            assert json.loads(refused.text) == {
                "response_action": "errors",
                "errors": {"title": "Please give a title."},
            }

            taken = client.submit(
                LEADER, view, {"title": "Fête de quartier", "category": "event", "body": "Samedi 14 h, place Carnot"}
            )
            assert taken.status_code == 200 and taken.text == ""
            fake_slack.wait_until(
                lambda calls: any(c.path == "/api/chat.postMessage" and c.body.get("channel") == QUEUE
                                  and "Fête de quartier" in str(c.body.get("text")) for c in calls)
            )  # fmt: skip
        finally:
            server.stop()


def test_a_restart_on_a_database_up_to_date_answers_an_unknown_command_with_the_guide(
    tmp_path, database_url, fake_slack
):
    """The HTTP process takes requests before the back has loaded the features, so it hears
    every command Slack sends (only the app's own): the router answers one it does not know."""
    with own_database(database_url, tmp_path) as url:
        Serve(url, fake_slack.api_url, tmp_path / "first.log").stop()  # creates and migrates the database
        server = Serve(url, fake_slack.api_url, tmp_path / "again.log")
        try:
            client = SlackClient(base=server.base, fake=fake_slack, core=None)  # type: ignore[arg-type]
            assert client.command(LEADER, "/frobnicate", "now").status_code == 200
            calls = fake_slack.wait_until(lambda calls: any(c.path.startswith("/response/") for c in calls))
            said = json.dumps([c.body for c in calls if c.path.startswith("/response/")], ensure_ascii=False)
            assert "I do not know “/frobnicate now”. Here is what I can do:" in said and "/news" in said
        finally:
            server.stop()
