"""What the watch keeps of people: collected items follow the moderation log's retention
(after MODERATION_RETENTION_DAYS, or at once with `relais forget --author`, the author's
handle and name and the item's link go; counts and triage stay), and items the CM set
aside as « RAS » keep only what the recap counts (network, kind, state, times) after
WATCH_RAS_DAYS: their text goes too. The cards that showed them are updated."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from handlers.core.i18n import N_
from handlers.core.registry import Owed, Setting
from handlers.core.schedule import whole_number
from handlers.core.text import fold, folded_name
from handlers.core.work import UnitOfWork
from handlers.moderation.retention import RETENTION_DAYS
from handlers.watch.collect import ThreadCard
from handlers.watch.tables import WatchItem

RAS_DAYS = Setting(
    "WATCH_RAS_DAYS",
    "30",
    whole_number(1),
    N_("watch messages marked “nothing to report” keep only what the recap counts after this many days"),
)
_SHOWS_SOMEONE = or_(WatchItem.author_handle != "", WatchItem.author_name != "", WatchItem.link != "")


def _blank(uow: UnitOfWork, which: ColumnElement[bool], why: str, *, text: bool = False) -> int:
    """Empty the people's part of the items `which` finds, and owe their cards once."""
    now = uow.clock()
    with uow.writing() as s:
        found = s.execute(select(WatchItem.id, WatchItem.thread_id).where(which)).all()
        if not found:
            return 0
        values = {"author_handle": "", "author_name": "", "link": ""} | ({"text": ""} if text else {})
        s.execute(update(WatchItem).where(WatchItem.id.in_([i for i, _t in found])).values(**values))
        threads = sorted({t for _i, t in found})
        uow.queue(*(Owed(ThreadCard(t), f"watch:card:{t}:{why}:{now.isoformat()}") for t in threads))
    return len(found)


def forget_author(uow: UnitOfWork, name: str) -> int:
    """`relais forget --author NAME`: the items by that handle (with or without its @) or
    display name, folded as the log folds names."""
    wanted = folded_name(name).lstrip("@")
    if not wanted:
        return 0
    with uow.reading() as s:
        people = s.execute(select(WatchItem.id, WatchItem.author_handle, WatchItem.author_name).where(_SHOWS_SOMEONE))
        ids = [i for i, handle, shown in people
               if wanted in (fold(handle).lstrip("@"), folded_name(shown))]  # fmt: skip
    return _blank(uow, WatchItem.id.in_(ids), "forget") if ids else 0


def nightly(uow: UnitOfWork, night: datetime) -> str:
    """Once a night: the log's retention on every item, then the « RAS » items' text."""
    old = WatchItem.posted_at < night - timedelta(days=RETENTION_DAYS.of(uow.team))
    aged = _blank(uow, old & _SHOWS_SOMEONE, "retention")
    set_aside = WatchItem.triaged_at < night - timedelta(days=RAS_DAYS.of(uow.team))
    trimmed = _blank(uow, (WatchItem.state == "nothing") & set_aside & (_SHOWS_SOMEONE | (WatchItem.text != "")),
                     "ras", text=True)  # fmt: skip
    done = [f"removed the author and link of {aged} old watch items"] if aged else []
    done += [f"kept only the counts of {trimmed} watch items set aside" if trimmed else ""]
    return "; ".join(d for d in done if d)
