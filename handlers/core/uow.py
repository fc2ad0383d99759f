"""One unit of work per use case, handed in by the router, the outbox or the
ticker: a use case reads in `with uow.reading() as s:` and changes things in
`with uow.writing() as s:` — one transaction that writes the change and the rows
it sends, commits (marking the request's inbox row done) or rolls back. What was
sent is delivered after the commit, by `uow.deliver()`: the use case
calls it when its answer depends on it, else whoever handed the unit of work in
calls it when the use case returns. So no platform call ever holds the write lock, and a crash
leaves either the change with its messages owed, or nothing. No feature opens a
session itself."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session

from handlers.core import owing, sending
from handlers.core.context import Request, Team
from handlers.core.deps import Deps
from handlers.core.once import changed
from handlers.core.outgoing import Owed
from handlers.core.ports import Chat
from handlers.core.registry import Registry
from handlers.core.tables import Inbox, Outbox
from storage.models import table_of

_INBOX = table_of(Inbox)
_DONE = (  # built once: every request ends here
    update(_INBOX)
    .where(_INBOX.c.id == bindparam("row"), _INBOX.c.processed_at.is_(None))
    .values(processed_at=bindparam("now"))
)


def mark_processed(session: Session, inbox_id: int, now: datetime) -> bool:
    """The inbox row is done, in the caller's transaction; False if it was done already."""
    return changed(session, _DONE, {"row": inbox_id, "now": now})


class AlreadyProcessed(Exception):
    """This request's inbox row was processed meanwhile (a replay raced the original)."""


class SqlUnitOfWork:
    """What a use case is handed (the UnitOfWork of handlers/core/work.py), on the database."""

    def __init__(self, deps: Deps, req: Request | None = None) -> None:
        self.deps, self.req = deps, req
        self._session: Session | None = None  # set inside writing() only
        self._sent: list[Outbox] = []
        self.delivered: set[int] = set()

    @property
    def team(self) -> Team:
        return self.deps.team

    @property
    def chat(self) -> Chat:
        return self.deps.chat

    @property
    def features(self) -> Registry:
        return self.deps.features

    def clock(self) -> datetime:
        return self.deps.clock()

    def today(self) -> date:
        return self.deps.today()

    def language(self, user_id: str) -> str:
        return self.deps.language(user_id)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session to read from; inside `writing()`, that transaction's."""
        if self._session is not None:
            yield self._session
            return
        with self.deps.db() as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        if self._session is not None:  # already inside one: it is the same change
            yield self._session
            return
        session = self._session = self.deps.db()
        sent_before = len(self._sent)
        try:
            session.begin()
            yield session
            inbox_id = self.req.inbox_id if self.req else None
            if inbox_id is not None and inbox_id not in self.req.marked:  # type: ignore[union-attr]
                if not mark_processed(session, inbox_id, self.deps.clock()):
                    session.rollback()
                    raise AlreadyProcessed(inbox_id)
            session.commit()
            if inbox_id is not None and self.req is not None:
                self.req.marked.add(inbox_id)
        except BaseException:
            session.rollback()
            del self._sent[sent_before:]  # rows of a rolled-back transaction were never owed
            raise
        finally:
            session.close()
            self._session = None

    @property
    def session(self) -> Session:
        """The open transaction's session (inside `writing()` or `reading()` only)."""
        assert self._session is not None, "no transaction is open"
        return self._session

    def queue(self, *owed: Owed) -> list[int]:
        """Owe these messages; returns the ids of the rows added (a key owed already adds
        nothing). Inside `writing()`, in that transaction, with the change that causes
        them. Outside, their keys are read first and the missing ones written in a
        transaction of their own, so a job that asks at every tick costs a read. What is
        due now goes out at `deliver()`, the rest when it is due."""
        if self._session is not None:  # inside writing()
            return self._add(self._session, owed)
        with self.reading() as s:
            wanted = owing.missing(s, owed)
        if not wanted:
            return []
        with self.writing() as s:
            return self._add(s, wanted)

    def _add(self, session: Session, owed: Sequence[Owed]) -> list[int]:
        added = owing.add(session, owed, self.deps.clock())
        self._sent += [row for row in added if row.claimed_until is not None]
        return [row.id for row in added]

    @property
    def owes(self) -> bool:
        return bool(self._sent)

    def deliver(self) -> set[int]:
        """Send what committed transactions owe, now that nothing holds a lock; every id
        delivered so far. Whoever handed the unit of work in calls it when the use case
        returns; a use case calls it first when its answer depends on it."""
        rows, self._sent = self._sent, []
        self.delivered |= sending.send_rows(self.deps, rows, SqlUnitOfWork) if rows else set()
        return self.delivered
