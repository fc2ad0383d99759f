"""The few statements the HTTP process of `relais serve` runs, in SQLAlchemy Core
without the ORM, the router or any feature: the inbox row written before each ack,
the rows freed at a clean stop, and what /healthz reads. The rest of Relais runs
the same statements (handlers/core/inbox.py, outbox.py, ticks.py): one way to store
a request, whichever process does it."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Executable, Integer, String, Text, and_, column, func, select, table, text, update

from handlers.core.inbound import Inbound
from storage.engine import UTCDateTime

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlalchemy.orm import Session

    Db = Connection | Session

LEASE = timedelta(seconds=30)  # a row a crash left unprocessed is taken up again after this
TICKER = "ticker:last"  # the team_state key the ticker stamps at each tick

INBOX = table(
    "inbox",
    column("id", Integer),
    column("key", String),
    column("kind", String),
    column("payload", JSON),
    column("received_at", UTCDateTime),
    column("claimed_until", UTCDateTime),
    column("processed_at", UTCDateTime),
    column("attempts", Integer),
)
OUTBOX = table(
    "outbox",
    column("due_at", UTCDateTime),
    column("attempts", Integer),
    column("delivered_at", UTCDateTime),
    column("failed_at", UTCDateTime),
)
TEAM_STATE = table("team_state", column("key", String), column("value", Text))


def new_key(platform: str) -> str:
    """For what the platform never retries (slash commands, forms): every one is new."""
    return f"{platform}:{uuid.uuid4().hex}"


@cache
def _insert_once(dialect: str) -> Executable:
    """INSERT … ON CONFLICT (key) DO NOTHING RETURNING id, built once: a platform's retry
    of a request already stored adds nothing."""
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(INBOX).on_conflict_do_nothing(index_elements=["key"]).returning(INBOX.c.id)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(INBOX).on_conflict_do_nothing(index_elements=["key"]).returning(INBOX.c.id)


def store(db: Db, requests: list[tuple[str, Inbound]], now: datetime) -> list[int | None]:
    """Each request's new inbox row id, or None for a key received already, in the caller's
    transaction: requests arriving together share one commit (one disk sync)."""
    statement = _insert_once(_dialect(db))
    return [
        db.execute(statement, {"key": key[:200], "kind": request.kind, "payload": request.payload(),
                               "received_at": now, "claimed_until": now + LEASE, "attempts": 1}).scalar()
        for key, request in requests
    ]  # fmt: skip


def _dialect(db: Db) -> str:
    bind = db.get_bind() if hasattr(db, "get_bind") else db
    return str(bind.dialect.name)


def release(db: Db) -> int:
    """The rows received and not processed, free to be taken up at once by the next start."""
    result: Any = db.execute(update(INBOX).where(INBOX.c.processed_at.is_(None)).values(claimed_until=None))
    return int(result.rowcount or 0)


def release_at_stop(db: Db) -> int:
    """`release` as a stop ends, waiting at most two seconds for a row a worker still holds
    (its lock): a row it cannot free is taken up again when its lease ends (`LEASE`)."""
    wait = "SET LOCAL lock_timeout = '2s'" if _dialect(db) == "postgresql" else "PRAGMA busy_timeout = 2000"
    db.execute(text(wait))
    return release(db)


def outbox_health(db: Db, now: datetime) -> dict[str, int]:
    """For /healthz: messages due now, failing (being retried), and given up."""
    pending = and_(OUTBOX.c.delivered_at.is_(None), OUTBOX.c.failed_at.is_(None))

    def count(*where: Any) -> int:
        return db.execute(select(func.count()).select_from(OUTBOX).where(*where)).scalar() or 0

    return {
        "due": count(pending, OUTBOX.c.due_at <= now),
        "failing": count(pending, OUTBOX.c.attempts > 0),
        "failed": count(OUTBOX.c.failed_at.is_not(None)),
    }


def ticker_last(db: Db) -> datetime | None:
    """When the ticker last ran (it may run in another process)."""
    value = db.execute(select(TEAM_STATE.c.value).where(TEAM_STATE.c.key == TICKER)).scalar()
    return datetime.fromisoformat(value) if value else None
