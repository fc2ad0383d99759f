"""The weekly moderation recap: `/cm recap [YYYY-Www]`, the scheduled post to
TEAM_CHANNEL (exactly once a week, caught up after downtime) and `relais recap`."""

from __future__ import annotations

import csv
import io
import logging
from datetime import datetime, timedelta, timezone

from babel.dates import format_date
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from handlers.core.context import Deps, Request
from handlers.core.i18n import translator
from handlers.core.messages import Md, Message, UserRef
from handlers.moderation.cards import OPEN, handling_label, network_label
from handlers.core.ports import ChatError, MessageRef
from handlers.recap.chart import chart_png
from handlers.recap.data import Recap, Row, build, last_week, parse_week
from storage.models import ModerationEntry, RecapRun

log = logging.getLogger(__name__)
MAIN_LINES = 15   # entries listed in the recap message itself
THREAD_LINES = 25  # entries per message in its thread
THREAD_MAX = 100  # beyond this many more, the rest goes in a CSV file instead
STALE_CLAIM = timedelta(minutes=15)


def _row_line(row: Row, lang: str, now: datetime) -> Md:
    _ = translator(lang)
    excerpt = row.excerpt if len(row.excerpt) <= 100 else row.excerpt[:99] + "…"
    topics = " ".join(f"⚠ {t}" for t in row.topics)
    if row.handling in OPEN:
        days = (now - row.seen_at).days
        waiting = {0: _("{h} since today"), 1: _("{h} for 1 day")}.get(days, _("{h} for {n} days"))
        status = Md.of(waiting, h=handling_label(row.handling, lang), n=days)
    elif row.handled_by:
        status = Md.of(_("{h} by {who}"), h=handling_label(row.handling, lang), who=UserRef(row.handled_by))
    else:
        status = Md.of("{h}", h=handling_label(row.handling, lang))
    return Md.of(_("• #{id} {net} · {status} · “{x}” {t}"), id=row.id, net=network_label(row.network, lang),
                 status=status, x=excerpt, t=topics)


def _counts(pairs: list[tuple[str, int]], label) -> str:  # type: ignore[no-untyped-def]
    return " · ".join(f"{label(k)} {n}" for k, n in pairs) or "—"


def messages(recap: Recap, lang: str, now: datetime) -> tuple[Message, list[Message], bool]:
    """The recap message, what follows in its thread, and whether the rest needs a CSV instead."""
    _ = translator(lang)
    sunday = recap.monday + timedelta(days=6)
    title = _("🛡️ Moderation recap — week {week} ({start} – {end})").format(
        week=recap.week, start=format_date(recap.monday, "d MMM", locale=lang), end=format_date(sunday, "d MMM yyyy", locale=lang))
    delta = recap.total - recap.previous
    unhandled = sum(1 for r in recap.rows if r.handling in OPEN)
    summary = [
        Md.of(_("**Negative messages:** {n} ({delta} compared with the week before: {prev})"),
              n=recap.total, delta=f"{delta:+d}", prev=recap.previous),
        Md.of(_("**By network:** {counts}"), counts=_counts(recap.by_network, lambda k: network_label(k, lang))),
        Md.of(_("**By handling:** {counts}"), counts=_counts(recap.by_handling, lambda k: handling_label(k, lang))),
        Md.of(_("**Sensitive topics:** {counts}"), counts=_counts(recap.by_topic, lambda k: f"⚠ {k}")),
        Md.of(_("**Still to handle:** {n}"), n=unhandled),
    ]
    lines = [_row_line(r, lang, now) for r in recap.rows]
    rest = lines[MAIN_LINES:]
    if not recap.rows:
        body = Md.of(_("No negative message was logged this week."))
    else:
        body = Md.join(lines[:MAIN_LINES])
    context = None
    as_csv = len(rest) > THREAD_MAX
    if rest:
        where = _("in the attached CSV file") if as_csv else _("in the thread below")
        context = Md.of(_("Messages not listed above: {n}, {where}."), n=len(rest), where=where)
    main = Message(title=title, text=Md.join([Md.join(summary), body], sep="\n\n"), context=context)
    follow = [] if as_csv else [
        Message(text=Md.join(rest[i : i + THREAD_LINES])) for i in range(0, len(rest), THREAD_LINES)
    ]
    return main, follow, as_csv


def csv_bytes(recap: Recap, lang: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "seen_at", "network", "handling", "handled_by", "topics", "excerpt"])
    for r in recap.rows:
        writer.writerow([r.id, r.seen_at.isoformat(), r.network, r.handling, r.handled_by or "", "; ".join(r.topics), r.excerpt])
    return out.getvalue().encode("utf-8")


def build_recap(deps: Deps, week: str) -> Recap:
    with deps.db() as s:
        return build(s, week, deps.team.timezone)


def show(deps: Deps, req: Request, week: str) -> None:
    """`/cm recap [YYYY-Www]`: the recap for the person asking, default last week."""
    lang = deps.language(req.user_id)
    _ = translator(lang)
    week = week.strip() or last_week(datetime.now(timezone.utc), deps.team.timezone)
    try:
        parse_week(week)
    except ValueError:
        req.reply.reply(Message(text=Md.of(_("“{week}” is not a week: write it like 2026-W47."), week=week)))
        return
    main, follow, as_csv = messages(build_recap(deps, week), lang, datetime.now(timezone.utc))
    req.reply.reply(main)
    for message in follow:
        req.reply.reply(message)
    if as_csv:
        req.reply.reply(Message(text=Md.of(_("The full list: relais export moderation, or the weekly post's CSV file."))))


def post(deps: Deps, week: str) -> MessageRef:
    """Post a week's recap to the team channel: the text first (raises ChatError if it
    fails), then the chart and the rest, whose failures are logged and do not undo it."""
    recap = build_recap(deps, week)
    lang = deps.team.language
    main, follow, as_csv = messages(recap, lang, datetime.now(timezone.utc))
    channel = deps.team.team_channel
    ref = deps.chat.post(channel, main)
    _ = translator(lang)
    try:
        deps.chat.upload(channel, filename=f"moderation-{recap.week}.png", content=chart_png(recap, lang),
                         title=_("Negative messages per day — week {week}").format(week=recap.week))
    except Exception as exc:  # the text is what matters; the picture is a bonus
        log.warning("recap %s: chart not posted: %s", week, exc)
    try:
        for message in follow:
            deps.chat.post(channel, message, thread=ref)
        if as_csv:
            deps.chat.upload(channel, filename=f"moderation-{recap.week}.csv", content=csv_bytes(recap, lang),
                             title=_("All negative messages — week {week}").format(week=recap.week), thread=ref)
    except ChatError as exc:
        log.warning("recap %s: the rest of the list was not posted: %s", week, exc)
    return ref


def _claim(deps: Deps, week: str) -> bool:
    """Take the week's guard row; a claim left by a crash is taken over after a while."""
    now = datetime.now(timezone.utc)
    try:
        with deps.db.begin() as s:
            s.add(RecapRun(week=week, status="claimed", claimed_at=now))
        return True
    except IntegrityError:
        with deps.db.begin() as s:
            return bool(s.execute(
                update(RecapRun)
                .where(RecapRun.week == week, RecapRun.status == "claimed", RecapRun.claimed_at < now - STALE_CLAIM)
                .values(claimed_at=now)
            ).rowcount)


def post_once(deps: Deps, week: str) -> bool:
    """Post the week's recap unless it was posted (or is being posted) already."""
    if not _claim(deps, week):
        return False
    try:
        post(deps, week)
    except Exception:
        with deps.db.begin() as s:  # let a later run try again
            s.execute(delete(RecapRun).where(RecapRun.week == week, RecapRun.status == "claimed"))
        log.exception("recap %s could not be posted; it will be tried again", week)
        return False
    with deps.db.begin() as s:
        s.execute(update(RecapRun).where(RecapRun.week == week).values(status="posted", posted_at=datetime.now(timezone.utc)))
    log.info("recap %s posted", week)
    return True


def due_week(deps: Deps, now: datetime, schedule: tuple[str, int, int]) -> str | None:
    """The week whose recap should be out by now: last week, once this week's slot has passed."""
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    local = now.astimezone(deps.team.timezone)
    monday = local.date() - timedelta(days=local.weekday())
    day, hour, minute = schedule
    slot = datetime(monday.year, monday.month, monday.day, hour, minute, tzinfo=deps.team.timezone) + timedelta(days=days.index(day))
    return last_week(now, deps.team.timezone) if local >= slot else None


def catch_up(deps: Deps, schedule: tuple[str, int, int], now: datetime | None = None) -> bool:
    """After downtime or a failed post: post last week's recap if its slot passed and
    Relais was in use then (a new install does not post an empty recap for before it existed)."""
    now = now or datetime.now(timezone.utc)
    week = due_week(deps, now, schedule)
    if week is None:
        return False
    with deps.db() as s:
        if s.get(RecapRun, week) is not None:
            return False
        in_use = s.scalar(select(RecapRun.week).limit(1)) or s.scalar(select(ModerationEntry.id).limit(1))
    return post_once(deps, week) if in_use else False
