"""One unit of work per use case: `with UnitOfWork(deps, req) as uow:` writes the
change and the rows it sends in one transaction, commits or rolls back, and only
then delivers those rows — so no platform call ever holds the write lock, and a
crash leaves either the change with its messages owed, or nothing."""

from __future__ import annotations

from datetime import datetime
from types import TracebackType

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session

from handlers.core import outbox
from handlers.core.context import Deps, Request
from handlers.core.once import changed
from handlers.core.registry import FollowUp
from storage.models import Inbox, Outbox, table_of

_INBOX = table_of(Inbox)
_DONE = (  # built once: every request ends here
    update(_INBOX)
    .where(_INBOX.c.id == bindparam("row"), _INBOX.c.processed_at.is_(None))
    .values(processed_at=bindparam("now"))
)


def mark_processed(session: Session, inbox_id: int, now: datetime) -> bool:
    """The inbox row is done, in the caller's transaction; False if it was done already."""
    return bool(changed(session, _DONE, {"row": inbox_id, "now": now}))


class AlreadyProcessed(Exception):
    """This request's inbox row was processed meanwhile (a replay raced the original)."""


class UnitOfWork:
    session: Session

    def __init__(self, deps: Deps, req: Request | None = None) -> None:
        self.deps, self.req = deps, req
        self.sent: list[Outbox] = []
        self.delivered: set[int] = set()

    def __enter__(self) -> UnitOfWork:
        self.session = self.deps.db()
        self.session.begin()
        return self

    def send(self, *rows: FollowUp) -> list[int]:
        """Owe these messages, in this transaction; returns the ids of the rows added
        (a key owed already adds nothing)."""
        added = outbox.enqueue_claimed(self.session, rows, self.deps.clock())
        self.sent += added
        return [row.id for row in added]

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        try:
            if kind is not None:
                self.session.rollback()
                return
            inbox_id = self.req.inbox_id if self.req else None
            if inbox_id is not None and not mark_processed(self.session, inbox_id, self.deps.clock()):
                self.session.rollback()
                raise AlreadyProcessed(inbox_id)
            self.session.commit()
            if inbox_id is not None and self.req is not None:
                self.req.marked.add(inbox_id)
        finally:
            self.session.close()
        self.delivered = outbox.deliver_claimed(self.deps, self.sent)
