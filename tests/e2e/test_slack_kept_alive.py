"""Slack's calls go out on kept-alive connections (bot/platforms/slack_http.py): one
connection per thread and host, opened again when Slack closed it, never shared with a
forked process, and failing as slack_sdk's own clients fail."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable

import pytest

from bot.platforms.slack_chat import SlackChat, SlackReply, retry_handlers
from bot.platforms.slack_http import KeptAliveWebClient
from handlers.core.messages import Md, Message
from handlers.core.ports import ChatError
from tests.fakes.http_server import Failure
from tests.fakes.slack_api import FakeSlack


def chat_on(fake: FakeSlack, *, retrying: bool = True) -> SlackChat:
    handlers = retry_handlers() if retrying else []
    return SlackChat(KeptAliveWebClient(token="xoxb-test", base_url=fake.api_url, timeout=5, retry_handlers=handlers))


def in_a_thread(work: Callable[[], None]) -> None:
    """As a worker's thread does: its own connections, none left from another test."""
    failed: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # handed back to the test
            failed.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    if failed:
        raise failed[0]


def note(text: str) -> Message:
    return Message(text=Md.text(text))


def test_a_threads_posts_and_replies_share_one_connection(fake_slack: FakeSlack) -> None:
    chat = chat_on(fake_slack)
    reply = SlackReply(chat=chat, user_id="U1", response_url=f"{fake_slack.base}/response/1")

    def work() -> None:
        for n in range(3):
            chat.post("CQUEUE", note(f"card {n}"))
            reply.reply(note(f"receipt {n}"))

    in_a_thread(work)
    assert [c["text"] for c in fake_slack.calls_to("/api/chat.postMessage")] == ["card 0", "card 1", "card 2"]
    assert [c["text"] for c in fake_slack.calls_to("/response/1")] == ["receipt 0", "receipt 1", "receipt 2"]
    assert fake_slack.httpd.accepted == 1


def test_a_connection_slack_closed_while_idle_is_opened_again_before_the_call(fake_slack: FakeSlack) -> None:
    """Not by a retry: with none, the call still goes out once."""
    chat = chat_on(fake_slack, retrying=False)

    def work() -> None:
        chat.post("CQUEUE", note("first"))
        fake_slack.httpd.end_kept_alive()  # as Slack ends a connection idle too long
        chat.post("CQUEUE", note("second"))

    in_a_thread(work)
    assert [(c.body["text"], c.failed) for c in fake_slack.calls] == [("first", False), ("second", False)]
    assert fake_slack.httpd.accepted == 2


def test_slack_down_then_back_a_post_fails_in_one_line_then_goes_out_once() -> None:
    fake = FakeSlack()
    chat = chat_on(fake)
    back: list[FakeSlack] = []

    def work() -> None:
        chat.post("CQUEUE", note("before"))
        fake.close()  # its kept-alive connection ends with it, as a server going down
        with pytest.raises(ChatError, match=r"^chat.postMessage: URLError$"):
            chat.post("CQUEUE", note("while down"))
        back.append(FakeSlack(fake.port))
        chat.post("CQUEUE", note("after"))

    try:
        in_a_thread(work)
        assert [c["text"] for c in back[0].calls_to("/api/chat.postMessage")] == ["after"]
        assert back[0].httpd.accepted == 1
    finally:
        for server in back:
            server.close()


def test_an_error_answer_is_retried_once_then_an_error_and_the_connection_goes_on(fake_slack: FakeSlack) -> None:
    chat = chat_on(fake_slack)
    fake_slack.fail("/api/chat.postMessage", Failure(status=500), times=2)

    def work() -> None:
        with pytest.raises(ChatError, match=r"^chat.postMessage: 500$"):
            chat.post("CQUEUE", note("refused"))
        chat.post("CQUEUE", note("taken"))

    in_a_thread(work)
    calls = [(c.body["text"], c.failed) for c in fake_slack.calls]
    assert calls == [("refused", True), ("refused", True), ("taken", False)]  # slack_sdk's one retry
    assert fake_slack.httpd.accepted == 1


def _post_in_child(chat: SlackChat) -> None:
    chat.post("CQUEUE", note("from the child"))


def test_a_forked_process_opens_its_own_connection(fake_slack: FakeSlack) -> None:
    """The HTTP process forks its workers: a socket both wrote on would mix their answers."""
    chat = chat_on(fake_slack)
    chat.post("CQUEUE", note("from the parent"))
    child = multiprocessing.get_context("fork").Process(target=_post_in_child, args=(chat,))
    child.start()
    child.join(timeout=30)
    assert child.exitcode == 0
    chat.post("CQUEUE", note("from the parent again"))
    texts = [c["text"] for c in fake_slack.calls_to("/api/chat.postMessage")]
    assert texts == ["from the parent", "from the child", "from the parent again"]
    assert fake_slack.httpd.accepted == 2
