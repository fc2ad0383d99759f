"""Slack's one message a second per channel: Relais spaces its posts itself, so a burst
of new watch cards is never refused. The pace on a clock the test moves, then against
the fake Slack, which refuses a sixth post within a second as Slack answers 429."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk import WebClient

from bot.platforms.slack_chat import SlackChat
from bot.platforms.slack_pace import ChannelPace
from handlers.core.messages import Md, Message
from tests.fakes.slack_api import FakeSlack


class Stopwatch:
    """The pace's clock, moved only by the pace's own waits."""

    def __init__(self) -> None:
        self.now = 100.0
        self.waits: list[float] = []

    def wait(self, seconds: float) -> None:
        self.waits.append(round(seconds, 3))
        self.now += seconds


def test_three_posts_go_at_once_then_one_a_second_per_channel() -> None:
    watch = Stopwatch()
    pace = ChannelPace(clock=lambda: watch.now, wait=watch.wait)
    assert [pace.take("C1") for _ in range(6)] == [0, 0, 0, 1, 1, 1]
    assert pace.take("C2") == 0  # another channel has its own pace
    watch.now += 10  # a quiet channel gets its burst back
    assert [pace.take("C1") for _ in range(4)] == [0, 0, 0, 1]


@pytest.fixture
def slack() -> Any:
    fake = FakeSlack()
    yield fake
    fake.close()


def burst(slack: FakeSlack, pace: ChannelPace, n: int) -> None:
    chat = SlackChat(WebClient(token="xoxb-test", base_url=slack.api_url), pace)
    for i in range(n):
        chat.post("CWATCH", Message(text=Md.of("card {i}", i=i)))


def test_a_burst_of_new_cards_is_spaced_and_never_refused(slack: FakeSlack) -> None:
    burst(slack, ChannelPace(), 6)
    assert slack.paced_out == 0
    assert len(slack.api_calls("chat.postMessage")) == 6


def test_without_the_pace_the_fake_refuses_as_slack_does(slack: FakeSlack) -> None:
    with pytest.raises(Exception, match="ratelimited"):  # slack_sdk raises once its own retries are spent
        burst(slack, ChannelPace(burst=100), 12)
    assert slack.paced_out > 0
