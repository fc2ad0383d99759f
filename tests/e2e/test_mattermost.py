"""Mattermost only: tokens, signed button calls, dialogs cancelled, mentions, setup, rate limits."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx
import pytest

from bot.platforms.mattermost_render import escape
from handlers.news.tables import News
from tests.conftest import without_settings
from tests.e2e.conftest import CM, LEADER, QUEUE, mattermost_settings, running
from tests.e2e.drivers import MattermostDriver
from tests.fakes.mattermost_api import RATELIMITED, FakeMattermost


@pytest.fixture
def mm(clean_engine, database_url, fake_mattermost):  # type: ignore[no-untyped-def]
    with running(mattermost_settings(database_url, fake_mattermost)) as (base, core):
        yield MattermostDriver(base=base, fake=fake_mattermost, core=core)


def test_a_wrong_command_token_gets_401_and_nothing_happens(mm):
    assert mm.command(LEADER, "/news", "Forged", token="stolen").status_code == 401
    assert mm.command(LEADER, "/news", "Forged", token="").status_code == 401
    with mm.core.deps.db() as s:
        assert s.query(News).count() == 0
    assert [c.path for c in mm.fake.calls] == []


def test_forged_or_tampered_button_calls_are_refused(mm):
    mm.command(LEADER, "/news", "Vraie news")
    mm.posts(QUEUE, 1)
    genuine = mm.action_payload(CM, "news.approve", "1")
    tampered = {**genuine, "context": {**genuine["context"], "action_id": "news.reject"}}
    unsigned = {**genuine, "context": {"action_id": "news.approve", "value": "1"}}
    for payload in (tampered, unsigned, {"user_id": CM}):
        assert httpx.post(f"{mm.base}/mattermost/action", json=payload, timeout=10).status_code == 401
    assert mm.update_count() == 0
    assert httpx.post(f"{mm.base}/mattermost/action", json=genuine, timeout=10).json() == {}
    assert "approved by @ucm" in mm.updates(1)[0]


def test_a_refusal_comes_back_as_ephemeral_text_of_the_call(mm):
    mm.command(LEADER, "/news", "Une news")
    mm.posts(QUEUE, 1)
    resp = httpx.post(f"{mm.base}/mattermost/action", json=mm.action_payload(LEADER, "news.approve", "1"), timeout=10)
    assert "Only the CM and admins" in resp.json()["ephemeral_text"]


def test_dialogs_open_from_the_trigger_and_a_cancel_stores_nothing(mm):
    mm.command(LEADER, "/news", "")
    opened = mm.form()
    assert opened["trigger_id"] == f"trig-{LEADER}" and opened["url"] == "https://relais.example.org/mattermost/dialog"
    elements = {e["name"]: e["type"] for e in opened["dialog"]["elements"]}
    assert elements == {
        "title": "text",
        "body": "textarea",
        "category": "select",
        "wished_date": "text",
        "links": "textarea",
    }
    resp = httpx.post(
        f"{mm.base}/mattermost/dialog",
        json={"type": "dialog_submission", "cancelled": True, "callback_id": "news.submit", "user_id": LEADER},
        timeout=10,
    )
    assert resp.status_code == 200
    with mm.core.deps.db() as s:
        assert s.query(News).count() == 0


def test_mentions_are_answered_by_the_bot_in_their_thread_once(mm):
    """A mention inside a thread: the answer goes to that thread's root, posted through the API."""
    mm.fake.user_post("rootpost", "chgeneral", "Qui gère l'imprimante ?", user_id=LEADER)
    mm.fake.user_post("postA", "chgeneral", "@relais can you fix the printer?", user_id=LEADER, root_id="rootpost")
    hook = {
        "token": "hooktoken",
        "team_id": "team1",
        "channel_id": "chgeneral",
        "user_id": LEADER,
        "user_name": "uleader",
        "post_id": "postA",
        "text": "@relais can you fix the printer?",
        "trigger_word": "@relais",
    }
    assert httpx.post(f"{mm.base}/mattermost/mention", json=hook, timeout=10).json() == {}
    answer = mm.fake.wait_api("/posts")[0]
    assert (
        answer["root_id"] == "rootpost"
        and answer["channel_id"] == "chgeneral"
        and "the secretariat" in answer["message"]
    )
    assert mm.fake.api_calls("/posts/postA") == [{}]  # the root was looked up
    assert httpx.post(f"{mm.base}/mattermost/mention", json=hook, timeout=10).json() == {}  # redelivered: once
    assert httpx.post(f"{mm.base}/mattermost/mention", json={**hook, "token": "x"}, timeout=10).status_code == 401
    mm.fake.user_post("postB", "chgeneral", "@relais c'est quoi ton rôle ?", user_id=LEADER)
    httpx.post(f"{mm.base}/mattermost/mention", json={**hook, "post_id": "postB"}, timeout=10)
    assert mm.fake.wait_api("/posts", 2)[1]["root_id"] == "postB"  # a post outside a thread starts one
    assert len(mm.fake.api_calls("/posts")) == 2


def test_the_fake_refuses_a_reply_to_a_reply_as_the_server_does(fake_mattermost):
    fake_mattermost.user_post("root", "c", "x", user_id=LEADER)
    fake_mattermost.user_post("reply", "c", "y", user_id=LEADER, root_id="root")
    resp = httpx.post(
        f"{fake_mattermost.url}/api/v4/posts", json={"channel_id": "c", "message": "z", "root_id": "reply"}
    )
    assert resp.status_code == 400 and resp.json()["id"] == "api.post.create_post.root_id.app_error"
    assert fake_mattermost.problems
    fake_mattermost.problems.clear()


def test_a_rate_limited_post_is_retried_after_retry_after(mm):
    mm.fake.fail(mm.fake.api("/posts"), RATELIMITED)
    mm.command(LEADER, "/news", "Loto")
    assert len(mm.posts(QUEUE, 2)) == 2  # refused once, then accepted
    assert "Sent to the CM" in mm.replies(1)[0]


def test_markup_in_user_text_stays_text():
    assert escape("| a | b |\n[site](http://x) **gras** @all #1\n# titre") == (
        "\\| a \\| b \\|\n\\[site\\](http://x) \\*\\*gras\\*\\* @\u2060all #1\n\\# titre"
    )


def test_mattermost_setup_creates_commands_then_updates_them_when_run_again(tmp_path, fake_mattermost: FakeMattermost):
    env = without_settings()
    env.update(
        RELAIS_PLATFORM="mattermost",
        MATTERMOST_URL=fake_mattermost.url,
        MATTERMOST_BOT_TOKEN="mm-secret-token",
        RELAIS_PUBLIC_URL="https://relais.example.org",
        CM_QUEUE_CHANNEL="q",
        TEAM_CHANNEL="t",
        RELAIS_LANGUAGE="en",
    )
    run = lambda: subprocess.run(
        [sys.executable, "-m", "bot", "mattermost-setup", "--team", "asso"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    first = run()
    assert first.returncode == 0, first.stderr
    assert "MATTERMOST_COMMAND_TOKENS=cmdtokennews,cmdtokencm,hooktoken" in first.stdout
    created = [c for c in fake_mattermost.calls if c.path == "/api/v4/commands" and c.method == "POST"]
    assert [(c.body["trigger"], c.body["url"], c.body["method"], c.body["team_id"]) for c in created] == [
        ("news", "https://relais.example.org/mattermost/command", "P", "team1"),
        ("cm", "https://relais.example.org/mattermost/command", "P", "team1"),
    ]
    assert created[0].body["auto_complete_hint"] == "[text] | mine"  # read from the declarations
    assert created[1].body["auto_complete_hint"].startswith("queue | role [question] | language fr|en")
    hook = fake_mattermost.api_calls("/hooks/outgoing")[-1]
    assert hook["trigger_words"] == ["@relais"] and hook["callback_urls"] == [
        "https://relais.example.org/mattermost/mention"
    ]

    env["RELAIS_PUBLIC_URL"] = "https://relais.asso.org"  # moved: run it again
    second = run()
    assert second.returncode == 0 and "Traceback" not in second.stderr, second.stderr
    assert "MATTERMOST_COMMAND_TOKENS=cmdtokennews,cmdtokencm,hooktoken" in second.stdout
    assert (
        len([c for c in fake_mattermost.calls if c.method == "POST" and c.path.endswith(("/commands", "/outgoing"))])
        == 3
    )
    assert (
        sorted(c["url"] for c in fake_mattermost.commands.values())
        == ["https://relais.asso.org/mattermost/command"] * 2
    )
    assert [h["callback_urls"] for h in fake_mattermost.outgoing_hooks.values()] == [
        ["https://relais.asso.org/mattermost/mention"]
    ]
    assert all(c.headers.get("Authorization") == "Bearer mm-secret-token" for c in fake_mattermost.calls)
    assert "mm-secret-token" not in first.stdout + first.stderr + second.stdout + second.stderr


def test_serve_refuses_to_start_without_command_tokens(tmp_path):
    env = without_settings()
    env.update(
        RELAIS_PLATFORM="mattermost",
        MATTERMOST_URL="http://127.0.0.1:1",
        MATTERMOST_BOT_TOKEN="x",
        RELAIS_PUBLIC_URL="https://relais.example.org",
        CM_QUEUE_CHANNEL="q",
        TEAM_CHANNEL="t",
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot", "serve"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2 and "relais mattermost-setup --team" in result.stderr


def test_escaping_writes_only_what_mattermost_reads_as_syntax(mm):
    mm.command(
        LEADER,
        "/news",
        "Liens\nI <3 vélo, C:\\Users\\asso\n1. premier\nTitre\n===\n> cité\n- tiret\n**gras** _it_ `code`",
    )
    message = mm.fake.wait_api("/posts")[0]["message"]
    print("\n[mattermost] message as sent:", repr(message))
    for shown in (
        "I <3 vélo",
        "C:\\Users\\asso",
        "1\\. premier",
        "\u200b===",
        "\\> cité",
        "\\- tiret",
        "\\*\\*gras\\*\\* \\_it\\_ \\`code\\`",
    ):
        assert shown in message, shown
    reply = mm.fake.wait_until(lambda calls: any(c.path.startswith("/hooks/commands/") for c in calls))
    answer = [c.body for c in reply if c.path.startswith("/hooks/commands/")][0]
    assert answer["skip_slack_parsing"] is True and answer["response_type"] == "ephemeral"


def test_a_button_answer_skips_slack_parsing(mm):
    mm.command(LEADER, "/news", "Une news")
    mm.posts(QUEUE, 1)
    resp = httpx.post(f"{mm.base}/mattermost/action", json=mm.action_payload(LEADER, "news.approve", "1"), timeout=10)
    assert resp.json()["skip_slack_parsing"] is True and "Only the CM" in resp.json()["ephemeral_text"]


def test_cards_are_still_updated_after_the_servers_edit_time_limit(mm):
    """PostEditTimeLimit freezes a post's message, not its attachment: status, history and buttons live there."""
    mm.fake.edit_limit = 300
    mm.command(LEADER, "/news", "Fête des bénévoles\nSamedi")
    card = mm.posts(QUEUE, 1)[0]
    mm.fake.age_posts(30 * 24 * 3600)  # decided a month later
    mm.click(CM, "news.approve", "1")
    patch = mm.updates(1)[0]
    assert "approved by @ucm" in patch
    post = mm.fake.posts["post1"]
    assert post["message"] == json.loads(card)["message"] and "approved" in json.dumps(post["props"])


def test_an_update_that_changes_the_message_late_still_updates_the_attachment(fake_mattermost):
    from bot.platforms.mattermost_api import MattermostAPI
    from bot.platforms.mattermost_chat import MattermostChat
    from handlers.core.messages import Md, Message

    chat = MattermostChat(
        MattermostAPI(fake_mattermost.url, "tok"), public_url="https://r.example.org", bot_token="tok"
    )
    ref = chat.post("c1", Message(title="Avant", text=Md.text("texte"), fields=[("Statut", Md.text("nouvelle"))]))
    fake_mattermost.edit_limit = 60
    fake_mattermost.age_posts(3600)
    chat.update(ref, Message(title="Après", text=Md.text("autre"), fields=[("Statut", Md.text("approuvée"))]))
    post = fake_mattermost.posts[ref.message_id]
    assert "Avant" in post["message"] and "approuvée" in json.dumps(post["props"], ensure_ascii=False)


def test_a_proxy_error_page_becomes_a_chat_error(fake_mattermost):
    from bot.platforms.mattermost_api import MattermostAPI
    from handlers.core.ports import ChatError
    from tests.fakes.http_server import Failure
    from tests.fakes.mattermost_api import PROXY_ERROR

    api = MattermostAPI(fake_mattermost.url, "tok", timeout=2)
    fake_mattermost.fail("/api/v4/posts", PROXY_ERROR, times=3)
    with pytest.raises(ChatError, match="HTTP 502"):
        api.create_post({"channel_id": "c", "message": "x"})
    for status in (404, 413):
        fake_mattermost.fail("/api/v4/posts", Failure(status=status, html="<html><body>Not here</body></html>"))
        with pytest.raises(ChatError, match=f"HTTP {status}"):
            api.create_post({"channel_id": "c", "message": "x"})
    fake_mattermost.fail("/api/v4/users/me", Failure(status=200, html="<html>a login page</html>"))
    with pytest.raises(ChatError, match="not a JSON answer"):
        api.me()


def test_help_shows_command_placeholders_without_backslashes_inside_code(mm):
    mm.command(CM, "/cm", "help")
    hooks = mm.fake.wait_until(lambda calls: any(c.path.startswith("/hooks/commands/") for c in calls))
    text = [c.body for c in hooks if c.path.startswith("/hooks/commands/")][0]["text"]
    assert "`/cm recap [YYYY-Www]`" in text and "`/cm remind delete <N>`" in text
    assert "\\[" not in text and "\\<" not in text


def test_a_permalink_in_news_is_expanded_from_the_post_unless_relais_cannot_read_it(mm):
    """GET /api/v4/posts/{id}: the form opens from the post (its text, its author); a post
    in a channel without Relais is refused by the server, and the link is kept as typed."""
    post = "a" * 26
    mm.fake.user_post(post, "chleaders", "Kermesse dimanche\nStands dès 10h", user_id="ubob")
    mm.command(LEADER, "/news", f"{mm.fake.url}/asso/pl/{post}")
    form = mm.form()
    initial = {e["name"]: e.get("default", "") for e in form["dialog"]["elements"]}
    assert initial["title"] == "Kermesse dimanche" and initial["body"] == "Stands dès 10h"
    mm.submit(LEADER, form, {**initial, "category": "event"})
    card = mm.posts(QUEUE, 1)[0]
    assert "@ubob" in card and f"{mm.fake.url}/asso/pl/{post}" in card
    hidden = "b" * 26
    mm.fake.user_post(hidden, "chsecret", "Secret", user_id="ubob")
    mm.fake.outside.add("chsecret")
    mm.command(LEADER, "/news", f"Regardez {mm.fake.url}/asso/pl/{hidden}")
    said = "\n".join(mm.replies(2))
    assert "I could not read the message behind" in said and "Sent to the CM" in said
