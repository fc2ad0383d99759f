"""One round of the watch: each configured source read page after page, up to two
thousand items stored at once with the cursor that ends them, in one transaction; a
restart, a crash mid-round or two instances give no item twice and none skipped. Each
batch owes the cards of the threads it grew; a card owed for older items than its thread
holds is not sent (cards.py), so a round of 13 pages on one post updates its card once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.core.once import add_once, insert_or_ignore
from handlers.core.owing import spaced
from handlers.core.registry import Outgoing, Owed
from handlers.core.work import UnitOfWork
from handlers.watch.found import Found, Page, SourceError
from handlers.watch.health import failed, source_row, succeeded
from handlers.watch.sources import BACKFILL, interval, names, reader
from handlers.watch.tables import WatchItem, WatchSource, WatchThread


@dataclass(frozen=True)
class ThreadCard(Outgoing, kind="watch.card"):
    """A thread's card in the watch channel, posted or updated in place. `newest`: the
    newest item the page that owed it stored (0: owed for another reason, always sent)."""

    thread_id: int
    newest: int = 0


def poll_due(uow: UnitOfWork, now: datetime) -> None:
    """Every tick: the sources not read for `WATCH_INTERVAL_SECONDS`."""
    configured = names(uow.team)
    if not configured:
        return
    with uow.reading() as s:
        polled = {n: (at, retry) for n, at, retry in s.execute(
            select(WatchSource.name, WatchSource.polled_at, WatchSource.retry_at))}  # fmt: skip
    for name in configured:
        last, retry_at = polled.get(name, (None, None))
        if retry_at is not None and now < retry_at:
            continue
        if last is None or retry_at is not None or now - last >= timedelta(seconds=interval(uow.team, name)):
            poll(uow, name, now)


CARD_SPACING = timedelta(seconds=1)  # Slack's one message a second per channel: a round's new cards spaced
BATCH = 2000  # items read before they are stored with their cursor: a busy round is a few transactions, not one a page


def poll(uow: UnitOfWork, name: str, now: datetime, stored: Callable[[int], object] = lambda _n: None) -> int:
    """One source, to its newest item; how many items were new (each batch's told to `stored`).
    Pages are stored a batch at a time with the cursor that ends the batch: a crash before
    the commit reads them again next round, from the cursor stored before them."""
    with uow.reading() as s:
        state = s.get(WatchSource, name)
        cursor = state.cursor if state else ""
    since, added, kept = now - timedelta(days=BACKFILL.of(uow.team)), 0, list[Found]()
    with reader(uow.team, name) as source:
        while True:
            try:
                page = source.page(cursor, since, now)
            except SourceError as problem:
                added += _store(uow, name, Page(kept, cursor), now) if kept else 0  # what was read stays read
                failed(uow, name, problem, now)
                return added
            kept += page.items
            cursor = page.cursor
            if page.more and len(kept) < BATCH:
                continue
            new = _store(uow, name, Page(kept, cursor), now)
            stored(new)
            added, kept = added + new, []
            if not page.more:
                return added


def _store(uow: UnitOfWork, name: str, page: Page, now: datetime) -> int:
    """The pages' items and their cursor, in one transaction; the grown threads' cards owed.
    A thousand replies are a few statements, not a thousand: their threads read at
    once, the items written with one statement that returns the new ones."""
    with uow.writing() as s:
        keys = [_thread_key(uow, name, f) for f in page.items]  # each item's thread, worked out once
        threads = _threads(s, name, list(zip(keys, page.items, strict=True)))
        values = [_values(name, f, threads[k], now) for k, f in zip(keys, page.items, strict=True)]
        grown: dict[int, int] = {}  # thread -> its newest new item
        added = 0
        if values:  # one multi-row INSERT … ON CONFLICT DO NOTHING RETURNING: the new ones only
            statement = insert_or_ignore(WatchItem, "key", s.get_bind().dialect.name)
            for item, thread in s.execute(statement.returning(WatchItem.id, WatchItem.thread_id), values):
                grown[thread], added = max(grown.get(thread, 0), item), added + 1
        state = source_row(s, name)
        state.cursor = page.cursor
        succeeded(uow, state, now)
        # spaced from now, not from the round's start: a slow round would bring the second card closer to the first
        due = spaced(s, ThreadCard.kind, uow.clock(), len(grown), CARD_SPACING) if grown else []
        uow.queue(
            *(Owed(ThreadCard(t, n), f"watch:card:{t}:{n}", at) for (t, n), at in zip(grown.items(), due, strict=True))
        )
    return added


def _chunks(keys: list[str], size: int = 500) -> list[list[str]]:
    """IN lists of a bounded length: a week's backfill can be thousands of items."""
    return [keys[i : i + size] for i in range(0, len(keys), size)]


def _thread_key(uow: UnitOfWork, name: str, found: Found) -> str:
    """The item's card: the post it answers, else its source's hour (local time)."""
    if found.thread:
        return f"{name} {found.thread}"
    return f"{name} hour:{found.posted_at.astimezone(uow.team.timezone).strftime('%Y-%m-%dT%H')}"


def _threads(s: Session, name: str, items: list[tuple[str, Found]]) -> dict[str, int]:
    """The page's threads by key, made where new (a page holds a few: one per post or hour)."""
    wanted = dict(reversed(items))  # the oldest item's parent wins
    for key, found in wanted.items():
        values = {"key": key, "source": name, "parent_link": found.parent_link, "parent_excerpt": found.parent_excerpt}
        add_once(s, WatchThread, "key", values)
    ids: dict[str, int] = {}
    for chunk in _chunks(list(wanted)):
        ids.update(
            {k: i for k, i in s.execute(select(WatchThread.key, WatchThread.id).where(WatchThread.key.in_(chunk)))}
        )
    return ids


def _values(name: str, found: Found, thread_id: int, now: datetime) -> dict[str, object]:
    return {
        "key": f"{name} {found.network_id}",
        "source": name,
        "network_id": found.network_id,
        "post_id": found.post_id,
        "network": found.network,
        "kind": found.kind,
        "author_handle": found.author_handle,
        "author_name": found.author_name,
        "text": found.text,
        "link": found.link,
        "posted_at": found.posted_at,
        "thread_id": thread_id,
        "state": "to_triage",
        "collected_at": now,
    }
