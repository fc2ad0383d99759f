"""Where each source stands: a failed round waits longer each time (doubling from the
interval up to an hour, with jitter so instances and sources spread), never less than the
network's `Retry-After`; each outage is kept for the recap; the CM is told once when a
source has failed for an hour (at once for a rate limit, a quota or a refusal such as an
expired token: they last, and they have a cause to name), and once when it is back."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.core.dates import write_moment
from handlers.core.i18n import translator
from handlers.core.messages import Md, Message
from handlers.core.registry import Outgoing, Owed, Sending, Sent
from handlers.core.work import UnitOfWork
from handlers.watch.found import Refused, SourceError, explained
from handlers.watch.sources import CHANNEL, interval, label
from handlers.watch.tables import WatchOutage, WatchSource

MOST = timedelta(hours=1)  # the longest wait between two tries
TELL_AFTER = timedelta(hours=1)  # a source failing this long is told to the CM


@dataclass(frozen=True)
class SourceNews(Outgoing, kind="watch.source_news"):
    """To the watch channel: a source failing for an hour, or back."""

    source: str
    outage: int
    back: bool


def source_row(s: Session, name: str) -> WatchSource:
    """A source's row, made the first time it is read."""
    state = s.get(WatchSource, name) or WatchSource(name=name, failures=0, told_down=False)
    s.add(state)
    return state


def failed(uow: UnitOfWork, name: str, problem: SourceError, now: datetime) -> None:
    """A failed round: the error kept, the outage opened, the next try put off."""
    with uow.writing() as s:
        state = source_row(s, name)
        state.polled_at, state.error, state.failures = now, str(problem), (state.failures or 0) + 1
        state.why, state.said = (problem.why, problem.said[:500]) if isinstance(problem, Refused) else ("", "")
        state.limited = problem.limited
        if state.failing_since is None:
            state.failing_since = now
            s.add(WatchOutage(source=name, started_at=now))
        wait = backoff(name, state.failures, interval(uow.team, name))
        state.retry_at = now + max(wait, timedelta(seconds=problem.retry_after or 0))
        lasting = isinstance(problem, Refused) or problem.limited  # a token, a quota: it will not pass by itself soon
        if not state.told_down and (lasting or now - state.failing_since >= TELL_AFTER):
            state.told_down = True
            uow.queue(
                Owed(SourceNews(name, _open_outage(s, name), back=False), f"watch:down:{name}:{state.failing_since}")
            )


def succeeded(uow: UnitOfWork, state: WatchSource, now: datetime) -> None:
    """A round that read its source: the outage closed; the CM told it is back if it was told it was down."""
    if state.failing_since is not None:
        outage = _open_outage(uow.session, state.name)
        if (row := uow.session.get(WatchOutage, outage)) is not None:
            row.ended_at = now
        if state.told_down:
            uow.queue(Owed(SourceNews(state.name, outage, back=True), f"watch:back:{state.name}:{outage}"))
    state.polled_at, state.ok_at, state.failing_since, state.error = now, now, None, ""
    state.failures, state.retry_at, state.told_down, state.why, state.said = 0, None, False, "", ""
    state.limited = False


def backoff(name: str, failures: int, interval: int) -> timedelta:
    """The interval doubled per failure, an hour at most, ±20 % drawn per source and failure."""
    seconds = min(interval * 2 ** min(failures, 20), MOST.total_seconds())
    return timedelta(seconds=seconds * random.Random(f"{name}:{failures}").uniform(0.8, 1.2))


def _open_outage(s: Session, name: str) -> int:
    found = s.scalars(select(WatchOutage.id).where(WatchOutage.source == name, WatchOutage.ended_at.is_(None))
                      .order_by(WatchOutage.id.desc()).limit(1)).first()  # fmt: skip
    return int(found or 0)


def send_news(uow: UnitOfWork, news: SourceNews, _sending: Sending) -> Sent:
    _ = translator(uow.team.language)
    with uow.reading() as s:
        outage = s.get(WatchOutage, news.outage)
        state = s.get(WatchSource, news.source)
    if outage is None:
        return Sent()
    since = write_moment(outage.started_at, uow.team.language, uow.team.timezone)
    if news.back:
        text = Md.of(_("✅ {source} is read again (it failed since {since}): what came meanwhile is being caught up."),
                     source=label(news.source), since=since)  # fmt: skip
    elif state is not None and state.why:
        text = Md.of(_("⚠️ {source} refuses Relais since {since}: {why}\nRelais tries again now and then; "
                       "`relais doctor` checks the fix."),
                     source=label(news.source), since=since, why=explained(state.why, state.said, uow.team.language))  # fmt: skip
    elif state is not None and state.limited and state.retry_at is not None:
        text = Md.of(_("⏸️ {error}: Relais reads {source} again from {when}. Nothing is lost; "
                       "if it comes back often, raise WATCH_INTERVAL_SECONDS."),
                     source=label(news.source), error=state.error,
                     when=write_moment(state.retry_at, uow.team.language, uow.team.timezone))  # fmt: skip
    else:
        text = Md.of(_("⚠️ {source} has failed since {since} ({error}). Relais keeps trying; nothing is lost on "
                       "the network's side, but check `relais doctor` if it lasts."),
                     source=label(news.source), since=since, error=state.error if state else "")  # fmt: skip
    uow.chat.post(CHANNEL.of(uow.team) or uow.team.queue_channel, Message(text=text))
    return Sent()
