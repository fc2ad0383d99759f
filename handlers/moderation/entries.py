"""Writing an entry of the moderation log: one rule for the form, a member's report
and the import."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from handlers.core.work import UnitOfWork
from handlers.moderation.links import link_key
from handlers.moderation.tables import EntryTopic, ModerationEntry, ModerationEvent
from handlers.topics.sensitive import all_topics, matches


def store(uow: UnitOfWork, actor: str, values: dict[str, str], seen_at: datetime | None = None) -> int:
    """Write one entry outside a request (tests; `relais import` writes in batches); returns its id."""
    with uow.writing():
        return write_entry(uow.session, actor, values, seen_at)


def entry_values(actor: str, values: dict[str, str]) -> dict[str, object]:
    """An entry's columns from what was typed (the form) or read (an import): one rule for both."""
    handling = values.get("handling") or "pending"
    return {
        "network": values["network"],
        "link": values.get("link", "").strip() or None,
        "link_key": link_key(values.get("link")),
        "author": values.get("author", "").strip() or None,
        "excerpt": values["excerpt"].strip(),
        "severity": values.get("severity") or "low",
        "handling": handling,
        "reason": values.get("reason", "").strip(),
        "note": values.get("note", "").strip(),
        "logged_by": actor,
        "handled_by": actor if handling != "pending" else None,
    }


def write_entry(s: Session, actor: str, values: dict[str, str], seen_at: datetime | None) -> int:
    """One entry, its topics and its first handling."""
    entry = ModerationEntry(**entry_values(actor, values))
    if seen_at is not None:
        entry.seen_at = seen_at
    s.add(entry)
    s.flush()
    for name in matches(entry.excerpt, all_topics(s)):
        s.add(EntryTopic(entry_id=entry.id, topic=name))
    s.add(ModerationEvent(entry_id=entry.id, handling=entry.handling, actor_id=actor, note=entry.note))
    return entry.id
