"""Delivery of what the platform still owes: write first, then call, retry later.

A row is claimed before its call (so the immediate attempt and the scheduled
retry never both post), and released with a later "not before" time on failure.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Callable

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from handlers.core.context import Deps
from handlers.core.i18n import translator
from handlers.core.messages import Md, Message
from handlers.moderation.cards import entry_card
from handlers.news.cards import queue_message, status_dm
from handlers.topics.sensitive import all_topics, matches
from handlers.core.ports import ChatError, MessageRef
from storage.models import ModerationEntry, ModerationEvent, News, NewsEvent, Outbox, QueueMessage

log = logging.getLogger(__name__)
CLAIM = timedelta(minutes=2)
MAX_BACKOFF = timedelta(hours=1)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def enqueue(
    session: Session, kind: str, *, news_id: int | None = None, event_id: int | None = None, entry_id: int | None = None
) -> Outbox:
    row = Outbox(kind=kind, news_id=news_id, event_id=event_id, entry_id=entry_id)
    session.add(row)
    session.flush()
    return row


def due_ids(deps: Deps, limit: int = 100) -> list[int]:
    with deps.db() as s:
        rows = s.scalars(
            select(Outbox.id)
            .where(Outbox.delivered_at.is_(None), or_(Outbox.claimed_until.is_(None), Outbox.claimed_until < _now()))
            .order_by(Outbox.id)
            .limit(limit)
        )
        return list(rows)


def _claim(deps: Deps, row_id: int) -> Outbox | None:
    now = _now()
    with deps.db.begin() as s:
        claimed = s.execute(
            update(Outbox)
            .where(
                Outbox.id == row_id,
                Outbox.delivered_at.is_(None),
                or_(Outbox.claimed_until.is_(None), Outbox.claimed_until < now),
            )
            .values(claimed_until=now + CLAIM)
        ).rowcount
        return s.get(Outbox, row_id) if claimed else None


def deliver(deps: Deps, ids: list[int] | None = None) -> set[int]:
    """Try the given rows (or every due one); returns the ids delivered now."""
    done: set[int] = set()
    for row_id in due_ids(deps) if ids is None else ids:
        row = _claim(deps, row_id)
        if row is None:
            continue
        try:
            follow_up = DELIVERERS[row.kind](deps, row)
        except ChatError as exc:
            _failed(deps, row, str(exc))
            continue
        except Exception as exc:  # a bug must not stop the other deliveries
            log.exception("outbox row %s (%s) failed", row.id, row.kind)
            _failed(deps, row, repr(exc))
            continue
        with deps.db.begin() as s:
            s.execute(update(Outbox).where(Outbox.id == row.id).values(delivered_at=_now(), attempts=row.attempts + 1))
            extra = [enqueue(s, kind, news_id=row.news_id, entry_id=row.entry_id).id for kind in follow_up]
        done.add(row.id)
        done |= deliver(deps, extra) if extra else set()
    return done


def _failed(deps: Deps, row: Outbox, error: str) -> None:
    backoff = min(timedelta(minutes=2**row.attempts), MAX_BACKOFF)
    log.warning("delivery %s (%s) failed, attempt %s: %s", row.id, row.kind, row.attempts + 1, error)
    with deps.db.begin() as s:
        s.execute(
            update(Outbox)
            .where(Outbox.id == row.id)
            .values(attempts=row.attempts + 1, last_error=error[:500], claimed_until=_now() + backoff)
        )


def _news(deps: Deps, news_id: int | None) -> tuple[News, list[str]]:
    """The item and the sensitive topics its text touches now."""
    with deps.db() as s:
        news = s.get(News, news_id)
        assert news is not None
        return news, matches(f"{news.title}\n{news.body}", all_topics(s))


def _queue_post(deps: Deps, row: Outbox) -> list[str]:
    news, topics = _news(deps, row.news_id)
    message = queue_message(news, deps.team.language, deps.team.timezone, topics)
    if news.queue_message is not None:
        deps.chat.update(MessageRef(news.queue_message.channel, news.queue_message.message_id), message)
        return []
    ref = deps.chat.post(deps.team.queue_channel, message)
    with deps.db.begin() as s:
        s.add(QueueMessage(news_id=news.id, channel=ref.channel, message_id=ref.message_id))
    # A late delivery: the submitter was told it was only saved, so tell them now.
    return ["delivered_dm"] if row.attempts else []


def _queue_update(deps: Deps, row: Outbox) -> list[str]:
    news, topics = _news(deps, row.news_id)
    if news.queue_message is not None:  # otherwise the pending queue post will show the news as it is
        message = queue_message(news, deps.team.language, deps.team.timezone, topics)
        deps.chat.update(MessageRef(news.queue_message.channel, news.queue_message.message_id), message)
    return []


def _author_language(deps: Deps, news: News) -> str:
    return deps.language(news.author_id)


def _status_dm(deps: Deps, row: Outbox) -> list[str]:
    with deps.db() as s:
        event = s.get(NewsEvent, row.event_id)
        assert event is not None
        news = event.news
    deps.chat.dm(news.author_id, status_dm(news, event, _author_language(deps, news)))
    return []


def _queue_answer(deps: Deps, row: Outbox) -> list[str]:
    """The submitter's answer, as a reply in the queue item's thread, so the CM is notified."""
    with deps.db() as s:
        event = s.get(NewsEvent, row.event_id)
        assert event is not None
        news = event.news
    if news.queue_message is None:
        return []
    _ = translator(deps.team.language)
    text = Md.of(_("💬 Answer from the submitter about **{title}**:\n> {note}"), title=news.title, note=event.note)
    deps.chat.post(
        news.queue_message.channel,
        Message(text=text, fallback=_("New answer about: {title}").format(title=news.title)),
        thread=MessageRef(news.queue_message.channel, news.queue_message.message_id),
    )
    return []


def _delivered_dm(deps: Deps, row: Outbox) -> list[str]:
    news, _topics = _news(deps, row.news_id)
    _ = translator(_author_language(deps, news))
    text = Md.of(_("📬 Your news **{title}** has now reached the CM."), title=news.title)
    deps.chat.dm(news.author_id, Message(text=text, fallback=_("Your news has reached the CM.")))
    return []


def _entry_card(deps: Deps, row: Outbox) -> list[str]:
    """Post a moderation entry's card to the CM channel, or update it where it already is."""
    with deps.db() as s:
        entry = s.get(ModerationEntry, row.entry_id)
        assert entry is not None
        events = list(s.scalars(select(ModerationEvent).where(ModerationEvent.entry_id == entry.id).order_by(ModerationEvent.id)))
    card = entry_card(entry, events, deps.team.language, deps.team.timezone)
    if entry.queue_message_id and entry.queue_channel:
        deps.chat.update(MessageRef(entry.queue_channel, entry.queue_message_id), card)
    elif row.kind == "moderation_post":
        ref = deps.chat.post(deps.team.queue_channel, card)
        with deps.db.begin() as s:
            s.execute(update(ModerationEntry).where(ModerationEntry.id == entry.id)
                      .values(queue_channel=ref.channel, queue_message_id=ref.message_id))
    return []


DELIVERERS: dict[str, Callable[[Deps, Outbox], list[str]]] = {
    "queue_post": _queue_post,
    "queue_update": _queue_update,
    "status_dm": _status_dm,
    "queue_answer": _queue_answer,
    "delivered_dm": _delivered_dm,
    "moderation_post": _entry_card,
    "moderation_update": _entry_card,
}
