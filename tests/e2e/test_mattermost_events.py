"""Mattermost over its WebSocket (`MATTERMOST_EVENTS=websocket`, the default): the
fake server speaks the protocol (tests/fakes/mattermost_socket.py); nothing of
Relais is patched."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from handlers.core.tables import Inbox
from tests.conftest import TestClock
from tests.e2e.conftest import LEADER, mattermost_settings, running
from tests.e2e.drivers import MattermostDriver
from tests.fakes.mattermost_api import BOT_ID, FakeMattermost

DM = f"dm-{BOT_ID}-{LEADER}"


@pytest.fixture
def mm(clean_engine, database_url, fake_mattermost):  # type: ignore[no-untyped-def]
    fake_mattermost.channels.update({"chprivate": "P", DM: "D"})
    with running(mattermost_settings(database_url, fake_mattermost)) as (base, core):
        fake_mattermost.socket.wait_connected()
        yield MattermostDriver(base=base, fake=fake_mattermost, core=core)


def post(fake: FakeMattermost, post_id: str, channel: str, text: str, *, user: str = LEADER, root: str = "") -> dict:  # type: ignore[type-arg]
    fake.user_post(post_id, channel, text, user_id=user, root_id=root)
    return fake.posts[post_id]


def answers(fake: FakeMattermost, count: int) -> list[dict]:  # type: ignore[type-arg]
    """The bot's posts through the API, once `count` of them came."""
    fake.wait_until(lambda calls: sum(c.path == "/api/v4/posts" for c in calls) >= count)
    return fake.api_calls("/posts")


def inbox_rows(mm: MattermostDriver) -> int:
    with mm.core.deps.db() as s:
        return s.scalar(select(func.count()).select_from(Inbox)) or 0


def test_a_mention_in_a_private_channel_and_a_direct_message_are_answered(mm):
    fake = mm.fake
    fake.socket.posted(post(fake, "p1", "chprivate", "@relais what is the role of the CM?"), channel_type="P",
                       mentions=[BOT_ID])  # fmt: skip
    first = answers(fake, 1)[0]
    assert first["channel_id"] == "chprivate" and first["root_id"] == "p1"
    assert "role" in first["message"].lower()
    fake.socket.posted(post(fake, "p2", DM, "Loto du club samedi\nVenez nombreux"), channel_type="D")
    offer = answers(fake, 2)[1]
    assert "Shall I send this to the CM as news?" in offer["message"] or "Shall I send this" in str(offer["props"])
    # Never answered: its own post, a webhook's, a system message, @channel alone, a thread not Relais's
    for post_id, extra in (("p3", {"user_id": BOT_ID}), ("p4", {"props": {"from_webhook": "true"}}),
                           ("p5", {"type": "system_join_channel"})):  # fmt: skip
        fake.socket.posted({**post(fake, post_id, "chprivate", "@relais hello"), **extra}, channel_type="P")
    fake.socket.posted(post(fake, "p6", "chprivate", "@channel réunion ce soir"), channel_type="P", mentions=[BOT_ID])
    fake.socket.posted(post(fake, "p7", "chprivate", "@relais et toi ?", root="p1"), channel_type="P")
    third = answers(fake, 3)[2]
    assert third["root_id"] == "p1"  # a reply in Relais's thread (p1 was answered there) is answered there
    assert inbox_rows(mm) == 3
    health = httpx.get(f"{mm.base}/healthz", timeout=10).json()["mattermost_events"]
    assert health["state"] == "connected" and health["last_event_age_seconds"] is not None


def test_a_drop_mid_stream_is_resumed_without_loss_and_a_replay_is_answered_once(mm):
    fake = mm.fake
    first = post(fake, "q1", DM, "Premier message")
    fake.socket.posted(first, channel_type="D")
    answers(fake, 1)
    fake.socket.drop()
    fake.socket.posted(post(fake, "q2", DM, "Envoyé pendant la coupure"), channel_type="D")  # kept for the resume
    fake.socket.wait_connected(2)
    resumed = fake.socket.connects[-1]
    assert resumed["connection_id"] and resumed["sequence_number"] == "2" and fake.socket.hellos == 1
    answers(fake, 2)
    fake.socket.posted(first, channel_type="D")  # the same post again: answered once
    fake.socket.posted(post(fake, "q3", DM, "Et un troisième"), channel_type="D")
    answers(fake, 3)
    assert inbox_rows(mm) == 3


def test_a_connection_the_server_forgot_is_caught_up_through_the_api(mm):
    fake = mm.fake
    fake.socket.forget()  # the server restarted, or the client was away too long
    post(fake, "r1", DM, "Écrit pendant que Relais n'écoutait pas")  # no event: only the API knows it
    fake.socket.wait_connected(2)
    assert fake.socket.hellos == 2 and "connection_id" in fake.socket.connects[-1]
    answers(fake, 1)
    assert any(c.path == "/api/v4/channels/dm-botuserid-ULEADER/posts".replace("ULEADER", LEADER) for c in fake.calls)
    assert inbox_rows(mm) == 1


def test_two_instances_answer_a_post_once(clean_engine, database_url, fake_mattermost):
    fake_mattermost.channels[DM] = "D"
    settings = mattermost_settings(database_url, fake_mattermost)
    with running(settings), running(settings):
        fake_mattermost.socket.wait_connected(2)
        fake_mattermost.socket.posted(post(fake_mattermost, "s1", DM, "Une idée pour la lettre"), channel_type="D")
        answers(fake_mattermost, 1)
        with running(settings) as (_base, core):  # a third instance reads the same database
            with core.deps.db() as s:
                assert s.scalar(select(func.count()).select_from(Inbox)) == 1


def test_a_silent_connection_is_taken_as_dead_and_replaced(fake_mattermost, clean_engine):
    """No event and no ping for `idle` seconds: a new connection (90 s in `relais serve`)."""
    import asyncio

    from bot.intake import Intake
    from bot.platforms.mattermost_api import MattermostAPI
    from bot.platforms.mattermost_events import Events
    from handlers.core import inbox
    from handlers.core.context import Team
    from handlers.core.deps import Deps
    from handlers.features import registry
    from storage.db import make_sessions

    clock = TestClock()
    deps = Deps(
        db=make_sessions(clean_engine, clock),
        chat=None,
        team=Team(queue_channel="q"),
        features=registry(),  # type: ignore[arg-type]
        clock=clock,
    )

    async def unchecked(_form: object) -> dict[str, str]:
        return {}

    intake = Intake(lambda requests: inbox.receive_many(deps, requests), lambda _item: None, unchecked)
    events = Events(MattermostAPI(fake_mattermost.url, "mm-bot-token-secret"), "mm-bot-token-secret", intake, idle=0.3)  # fmt: skip

    async def listen_until_replaced() -> None:
        task = asyncio.ensure_future(events.run())
        await asyncio.to_thread(fake_mattermost.socket.wait_connected, 2)
        task.cancel()

    asyncio.run(listen_until_replaced())
    assert fake_mattermost.socket.connects[1]["connection_id"]  # it tried to resume first
