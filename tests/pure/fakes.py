"""A unit of work with no database: for the rules that need none, so they run in
milliseconds and a use case that reaches for a session here is caught. It is a
true UnitOfWork (handlers/core/work.py): mypy checks this folder in CI."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from handlers.core.context import Team
from handlers.core.outgoing import Owed
from handlers.core.ports import Chat
from handlers.core.work import UnitOfWork

NO_DATABASE = "this rule was meant to need no database"


@dataclass
class FakeUnitOfWork:
    team: Team = field(default_factory=lambda: Team(queue_channel="q", language="en", cm_users=frozenset({"cm"})))
    now: datetime = datetime(2026, 11, 30, 8, 0)
    chat: Chat = field(default_factory=lambda: NoChat())
    queued: list[Owed] = field(default_factory=list)

    def clock(self) -> datetime:
        return self.now

    def today(self) -> date:
        return self.now.date()

    def language(self, user_id: str) -> str:
        return self.team.language

    @contextmanager
    def reading(self) -> Iterator[Session]:
        raise AssertionError(NO_DATABASE)
        yield

    @contextmanager
    def writing(self) -> Iterator[Session]:
        raise AssertionError(NO_DATABASE)
        yield

    @property
    def session(self) -> Session:
        raise AssertionError(NO_DATABASE)

    def queue(self, *owed: Owed) -> list[int]:
        self.queued += owed
        return list(range(len(self.queued) - len(owed), len(self.queued)))

    @property
    def owes(self) -> bool:
        return bool(self.queued)

    def deliver(self) -> set[int]:
        return set()


class NoChat:
    """A platform that must not be called by a rule needing none."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"this rule was meant to need no platform (it called chat.{name})")


def as_unit_of_work(fake: FakeUnitOfWork) -> UnitOfWork:
    """mypy refuses this line if FakeUnitOfWork stops being a UnitOfWork."""
    return fake
