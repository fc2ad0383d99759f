"""The delivery core: a failing row stops after a bound and the admins are told once;
an inbox row a crash left behind is processed once, even when two workers race."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy import select

from handlers.core import inbox, outbox
from handlers.core.inbound import Command
from handlers.core.ports import ChatError
from handlers.core.registry import Outgoing, Owed, Registry, Sender, Sending
from handlers.core.tables import Inbox, Outbox
from handlers.core.uow import SqlUnitOfWork
from handlers.core.work import UnitOfWork
from handlers.features import registry
from handlers.news.tables import News
from tests.unit.conftest import RecordingReply, text_of


def at(deps, minutes: float):  # type: ignore[no-untyped-def]
    moved = deps.clock() + timedelta(minutes=minutes)
    return replace(deps, clock=lambda: moved)


@dataclass(frozen=True)
class Ping(Outgoing, kind="test.post"):
    channel: str


def _wrong_channel(_uow: UnitOfWork, ping: Ping, _sending: Sending) -> None:
    raise ChatError(f"chat.postMessage: channel_not_found ({ping.channel})")


def test_a_row_that_keeps_failing_stops_and_the_admins_get_one_dm(deps, chat):
    def extra(reg: Registry) -> None:
        reg.add(Sender(Ping, _wrong_channel))

    deps = replace(deps, features=registry([extra]))
    uow = SqlUnitOfWork(deps)
    uow.queue(Owed(Ping("C-GONE"), "test:1"))
    minutes = 0.0
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        uow.deliver() if attempt == 1 else outbox.deliver(at(deps, minutes))
        with deps.db() as s:
            row = s.scalar(select(Outbox).where(Outbox.dedupe_key == "test:1"))
        assert row.attempts == attempt and row.last_error == "chat.postMessage: channel_not_found (C-GONE)"
        minutes += 61  # past any back-off
    assert row.failed_at is not None
    assert chat.dms == []
    assert outbox.health(at(deps, minutes)) == {"due": 1, "failing": 0, "failed": 1}  # due: the admin's DM
    outbox.deliver(at(deps, minutes))
    outbox.deliver(at(deps, minutes + 600))  # given up: never tried again, the admin told once
    assert outbox.health(at(deps, minutes + 600)) == {"due": 0, "failing": 0, "failed": 1}
    with deps.db() as s:
        assert s.scalar(select(Outbox.attempts).where(Outbox.dedupe_key == "test:1")) == outbox.MAX_ATTEMPTS
    assert [user for user, _m in chat.dms] == ["admin"]
    said = text_of(chat.dms[0][1])
    assert "gave up" in said and "test.post" in said and "channel_not_found" in said


def test_a_key_is_sent_once_whoever_owes_it(deps, chat):
    first, again = SqlUnitOfWork(deps), SqlUnitOfWork(deps)
    with first.writing():
        added = first.queue(Owed(outbox.GaveUp(1, "x", "e", "admin"), "k"))
    assert again.queue(Owed(outbox.GaveUp(2, "y", "e", "admin"), "k")) == []
    with again.writing():
        assert again.queue(Owed(outbox.GaveUp(2, "y", "e", "admin"), "k")) == []
    assert first.deliver() == set(added) and outbox.deliver(at(deps, 10)) == set()
    assert len(chat.dms) == 1 and "(x, #1)" in text_of(chat.dms[0][1])


def test_a_command_left_in_the_inbox_by_a_crash_is_processed_once(deps, chat):
    request = Command("leader", "C-GENERAL", name="news", text="Loto du club")
    row = inbox.receive(deps, "slack:abc", request)
    assert row is not None and inbox.receive(deps, "slack:abc", request) is None  # a retry: same key
    # the process died here, after the ack; its lease has not run out yet
    assert inbox.replay(deps) == 0
    assert inbox.replay(at(deps, 1)) == 1
    assert inbox.replay(at(deps, 2)) == 0
    with deps.db() as s:
        assert s.scalars(select(News.title)).all() == ["Loto du club"]
        assert s.scalar(select(Inbox.processed_at).where(Inbox.id == row)) is not None
    assert [channel for channel, _m, _t in chat.posts] == ["C-QUEUE"]


def test_a_replay_racing_the_original_stores_once(deps, chat):
    request = Command("leader", "C-GENERAL", name="news", text="Vide-grenier")
    row = inbox.receive(deps, "slack:race", request)
    assert row is not None
    first, second = RecordingReply(), RecordingReply()
    inbox.process(deps, row, request, first)
    inbox.process(deps, row, request, second)  # a second worker took the same row up
    with deps.db() as s:
        assert s.scalars(select(News.title)).all() == ["Vide-grenier"]
    assert len(chat.posts) == 1 and "Sent to the CM" in first.last and second.replies == []
