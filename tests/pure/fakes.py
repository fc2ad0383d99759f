"""A unit of work with no database: for the rules that need none, so they run in
milliseconds and a use case that reaches for a session here is caught."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from handlers.core.context import Team
from handlers.core.registry import Owed, Registry
from handlers.features import registry

FEATURES = registry()


@dataclass
class FakeUnitOfWork:
    team: Team = field(default_factory=lambda: Team(queue_channel="q", language="en", cm_users=frozenset({"cm"})))
    features: Registry = field(default_factory=lambda: FEATURES)
    now: datetime = datetime(2026, 11, 30, 8, 0)
    chat: Any = None
    sent: list[Owed] = field(default_factory=list)
    committed: int = 0

    def clock(self) -> datetime:
        return self.now

    def today(self) -> date:
        return self.now.date()

    def language(self, user_id: str) -> str:
        return self.team.language

    @contextmanager
    def reading(self) -> Iterator[Any]:
        raise AssertionError("this rule was meant to need no database")
        yield

    @contextmanager
    def writing(self) -> Iterator[Any]:
        raise AssertionError("this rule was meant to need no database")
        yield

    def queue(self, *owed: Owed) -> list[int]:
        self.sent += owed
        return list(range(len(self.sent) - len(owed), len(self.sent)))
