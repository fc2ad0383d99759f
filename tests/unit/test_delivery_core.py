"""The delivery core: a failing row stops after a bound and the admins are told once;
an inbox row a crash left behind is processed once, even when two workers race."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from handlers.core import inbox, outbox
from handlers.core.inbound import Command
from handlers.core.ports import ChatError
from handlers.core.registry import Registry
from handlers.features import registry
from storage.models import Inbox, News, Outbox
from tests.unit.conftest import RecordingReply, text_of


def at(deps, minutes: float):  # type: ignore[no-untyped-def]
    moved = deps.clock() + timedelta(minutes=minutes)
    return replace(deps, clock=lambda: moved)


def test_a_row_that_keeps_failing_stops_and_the_admins_get_one_dm(deps, chat):
    def wrong_channel(_deps, _row):  # type: ignore[no-untyped-def]
        raise ChatError("chat.postMessage: channel_not_found")

    def extra(reg: Registry) -> None:
        reg.deliverer("test.post", wrong_channel)

    deps = replace(deps, features=registry([extra]))
    with deps.db.begin() as s:
        outbox.enqueue(s, "test.post", {}, key="test:1", due_at=deps.clock())
    minutes = 0.0
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        outbox.deliver(at(deps, minutes))
        with deps.db() as s:
            row = s.scalar(select(Outbox).where(Outbox.dedupe_key == "test:1"))
        assert row.attempts == attempt and row.last_error == "chat.postMessage: channel_not_found"
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
    with deps.db.begin() as s:
        first = outbox.enqueue(
            s,
            "core.failed",
            {"row": 1, "kind": "x", "error": "e", "user": "admin"},
            key="k",
            due_at=deps.clock(),
        )
        again = outbox.enqueue(
            s,
            "core.failed",
            {"row": 2, "kind": "y", "error": "e", "user": "admin"},
            key="k",
            due_at=deps.clock(),
        )
    assert first is not None and again is None
    assert outbox.deliver(deps) == {first} and outbox.deliver(at(deps, 10)) == set()
    assert len(chat.dms) == 1


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
