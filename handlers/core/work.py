"""The unit of work as a use case sees it: the team, the platform, the clock, its
transactions and what it owes. A protocol with no import of the registry, so the
declarations are typed against it without a cycle; handlers/core/uow.py is the
one on SQL, tests/pure/fakes.py one without a database."""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Protocol

from sqlalchemy.orm import Session

from handlers.core.context import Team
from handlers.core.outgoing import Owed
from handlers.core.ports import Chat


class UnitOfWork(Protocol):
    @property
    def team(self) -> Team: ...

    @property
    def chat(self) -> Chat: ...

    def clock(self) -> datetime: ...

    def today(self) -> date: ...

    def language(self, user_id: str) -> str:
        """The language to answer this person in."""
        ...

    def reading(self) -> AbstractContextManager[Session]:
        """A session to read from; inside `writing()`, that transaction's."""
        ...

    def writing(self) -> AbstractContextManager[Session]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        ...

    @property
    def session(self) -> Session:
        """The open transaction's session (inside `writing()` or `reading()` only)."""
        ...

    def queue(self, *owed: Owed) -> list[int]:
        """Owe these messages (a key owed already adds nothing); the ids of the rows added."""
        ...

    @property
    def owes(self) -> bool:
        """Whether a committed transaction owes a message not sent yet."""
        ...

    def deliver(self) -> set[int]:
        """Send now what committed transactions owe (when the answer depends on it);
        every id delivered so far. Otherwise it goes out when the use case returns."""
        ...
