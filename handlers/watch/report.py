"""What the watch tells beyond its cards: the week's counts in the recap (collected per
network, marked negative and how many of those were handled, still to triage, the messages
hidden by each rule of the moderation charter) with any source outage of the week, and the
CM's home count of messages to triage."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from handlers.core.dates import write_moment
from handlers.core.i18n import number, translator
from handlers.core.messages import Button, Md
from handlers.core.work import UnitOfWork
from handlers.moderation.cards import OPEN, network_label
from handlers.moderation.tables import ModerationEntry
from handlers.watch.sources import label
from handlers.watch.tables import WatchHide, WatchItem, WatchOutage

CAUGHT_UP = ("mastodon", "bluesky")  # read from a cursor: an outage's messages come once it is back


def recap_lines(s: Session, start: datetime, end: datetime, tz: ZoneInfo) -> Callable[[str], list[Md]]:
    in_week = and_(WatchItem.collected_at >= start, WatchItem.collected_at < end)
    per_network = [(str(k), int(n)) for k, n in s.execute(
        select(WatchItem.network, func.count()).where(in_week).group_by(WatchItem.network).order_by(WatchItem.network))]  # fmt: skip
    negative = s.scalar(select(func.count()).select_from(WatchItem).where(in_week, WatchItem.state == "negative")) or 0
    handled = s.scalar(select(func.count()).select_from(WatchItem).join(ModerationEntry, ModerationEntry.id == WatchItem.entry_id)
                       .where(in_week, WatchItem.state == "negative", ModerationEntry.handling.not_in(OPEN))) or 0  # fmt: skip
    waiting = to_triage(s)
    outages = list(s.scalars(select(WatchOutage).where(WatchOutage.started_at < end,
                   or_(WatchOutage.ended_at.is_(None), WatchOutage.ended_at >= start)).order_by(WatchOutage.started_at)))  # fmt: skip
    hidden = _hidden_by_rule(s, start, end)
    if not per_network and not outages and not waiting and not hidden:
        return lambda _lang: []

    def say(lang: str) -> list[Md]:
        _ = translator(lang)
        named = {k: _("Alerts") if k == "alert" else network_label(k, lang) for k, _n in per_network}
        counts = " · ".join(f"{named[k]} {number(n, lang)}" for k, n in per_network) or "—"
        said = [Md.of(_("**Watch:** {counts} collected; marked negative {negative}, of which handled {handled}; "
                        "still to triage {waiting}"), counts=counts, negative=number(negative, lang),
                      handled=number(handled, lang), waiting=number(waiting, lang))]  # fmt: skip
        if hidden:
            other = _("another reason")
            rules = " · ".join(f"{rule or other} {number(n, lang)}" for rule, n in hidden)
            said.append(Md.of(_("**Hidden on the networks, by the charter's rule:** {rules}"), rules=rules))
        return said + [_outage(o, lang, tz) for o in outages]

    return say


def _hidden_by_rule(s: Session, start: datetime, end: datetime) -> list[tuple[str, int]]:
    """The messages hidden this week and still hidden, per rule as the charter words it, most
    used first: what the leaders read to see which rules the charter is actually held by."""
    rows = s.execute(select(WatchHide.rule, func.count()).where(WatchHide.state == "hidden", WatchHide.hidden_at >= start,
                     WatchHide.hidden_at < end).group_by(WatchHide.rule))  # fmt: skip
    counted = [(str(rule), int(count)) for rule, count in rows]
    return sorted(counted, key=lambda pair: (-pair[1], pair[0] == "", pair[0]))  # "another reason" last of its count


def _outage(outage: WatchOutage, lang: str, tz: ZoneInfo) -> Md:
    _ = translator(lang)
    source, since = label(outage.source), write_moment(outage.started_at, lang, tz)
    if outage.ended_at is None:
        return Md.of(_("⚠️ {source} unreachable since {since}: messages of that time may be missing."),
                     source=source, since=since)  # fmt: skip
    until = write_moment(outage.ended_at, lang, tz)
    if outage.source in CAUGHT_UP:
        return Md.of(_("⚠️ {source} unreachable from {since} to {until}, caught up."), source=source, since=since,
                     until=until)  # fmt: skip
    return Md.of(_("⚠️ {source} unreachable from {since} to {until}: messages of that time may be missing."),
                 source=source, since=since, until=until)  # fmt: skip


def home_count(uow: UnitOfWork, _user: str, lang: str, cm: bool) -> tuple[Md, list[Button]] | None:
    said = digest_line(uow, lang) if cm else None
    return (said, []) if said else None


def digest_line(uow: UnitOfWork, lang: str) -> Md | None:
    """The CM's home and morning digest: how many items wait for a click, if any."""
    _ = translator(lang)
    with uow.reading() as s:
        waiting = to_triage(s)
    if not waiting:
        return None
    said = _("{n} to triage in the watch channel (/cm watch)").format(n=number(waiting, lang))
    return Md.of("**{h}**\n{v}", h=_("Watch"), v=said)


def home_version(uow: UnitOfWork) -> str:
    with uow.reading() as s:
        newest, triaged = s.execute(select(func.max(WatchItem.id), func.max(WatchItem.triaged_at))).one()
    return f"{newest or 0}.{triaged or ''}"


def to_triage(s: Session) -> int:
    """How many items wait for the CM's click (the recap, the home, /cm watch)."""
    return int(s.scalar(select(func.count()).select_from(WatchItem).where(WatchItem.state == "to_triage")) or 0)
