"""The weekly moderation recap: `/cm recap [YYYY-Www]`, the scheduled post to
TEAM_CHANNEL (exactly once a week, caught up after downtime) and `relais recap`."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from handlers.core.context import Request
from handlers.core.i18n import N_, number, translator
from handlers.core.messages import Md, Message, UserRef
from handlers.core.ports import MessageRef
from handlers.core.registry import Outgoing, Owed, RecapPart, Sending, Sent, Setting
from handlers.core.schedule import read_schedule
from handlers.core.tables import Outbox
from handlers.core.text import shorten
from handlers.core.work import UnitOfWork
from handlers.moderation.cards import OPEN, handling_label, network_label
from handlers.moderation.tables import ModerationEntry
from handlers.recap.data import Recap, Row, bounds, build, last_week, parse_week, week_of, week_said

MAIN_LINES = 15  # entries listed in the recap message itself
THREAD_LINES = 25  # entries per message in its thread
THREAD_MAX = 100  # beyond this many more, the rest goes in a CSV file instead


def _row_line(row: Row, lang: str, now: datetime) -> Md:
    _ = translator(lang)
    excerpt = shorten(row.excerpt, 100)
    topics = " ".join(f"⚠ {t}" for t in row.topics)
    if row.handling in OPEN:
        days = (now - row.seen_at).days
        waiting = {0: _("{h} since today"), 1: _("{h} for 1 day")}.get(days, _("{h} for {n} days"))
        status = Md.of(waiting, h=handling_label(row.handling, lang), n=days)
    elif row.handled_by:
        status = Md.of(_("{h} by {who}"), h=handling_label(row.handling, lang), who=UserRef(row.handled_by))
    else:
        status = Md.of("{h}", h=handling_label(row.handling, lang))
    return Md.of(
        _("• #{id} {net} · {status} · “{x}” {t}"),
        id=row.id,
        net=network_label(row.network, lang),
        status=status,
        x=excerpt,
        t=topics,
    )


def _counts(pairs: list[tuple[str, int]], label: Callable[[str], str], lang: str) -> str:
    return " · ".join(f"{label(k)} {number(n, lang)}" for k, n in pairs) or "—"


def messages(recap: Recap, lang: str, now: datetime) -> tuple[Message, list[Message], bool]:
    """The recap message, what follows in its thread, and whether the rest needs a CSV instead."""
    _ = translator(lang)
    title = _("🛡️ Moderation recap — {week}").format(week=week_said(recap.week, lang))
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
        context = Md.of(_("Messages not listed above: {n}, {where}."), n=number(len(rest), lang), where=where)
    main = Message(title=title, text=Md.join([Md.join(_summary(recap, lang)), body], sep="\n\n"), context=context)
    follow = (
        [] if as_csv else [Message(text=Md.join(rest[i : i + THREAD_LINES])) for i in range(0, len(rest), THREAD_LINES)]
    )
    return main, follow, as_csv


def _summary(recap: Recap, lang: str) -> list[Md]:
    """The week's totals: by network, by handling, by topic, what is left, and the members thanked."""
    _ = translator(lang)
    delta = recap.total - recap.previous
    unhandled = sum(1 for r in recap.rows if r.handling in OPEN)
    summary = [
        Md.of(
            _("**Negative messages:** {n} ({delta} compared with the week before: {prev})"),
            n=number(recap.total, lang),
            delta=("+" if delta >= 0 else "-") + number(abs(delta), lang),
            prev=number(recap.previous, lang),
        ),
        Md.of(_("**By network:** {counts}"), counts=_counts(recap.by_network, lambda k: network_label(k, lang), lang)),
        Md.of(
            _("**By handling:** {counts}"), counts=_counts(recap.by_handling, lambda k: handling_label(k, lang), lang)
        ),
        Md.of(_("**Sensitive topics:** {counts}"), counts=_counts(recap.by_topic, lambda k: f"⚠ {k}", lang)),
        Md.of(_("**Still to handle:** {n}"), n=number(unhandled, lang)),
    ]
    if recap.reported:  # the members who handed comments over, thanked by number (never by name)
        said = (
            _("**Reported by a member:** {n}. Thank you!")
            if recap.reported == 1
            else _("**Reported by members:** {n}, by {k} members. Thank you!")
            if recap.reporters > 1
            else _("**Reported by a member:** {n}, all by the same person. Thank you!")
        )
        summary.append(Md.of(said, n=number(recap.reported, lang), k=number(recap.reporters, lang)))
    return summary + [line for part in recap.parts for line in part(lang)]


def csv_bytes(recap: Recap, lang: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "seen_at", "network", "handling", "handled_by", "topics", "excerpt"])
    for r in recap.rows:
        writer.writerow(
            [r.id, r.seen_at.isoformat(), r.network, r.handling, r.handled_by or "", "; ".join(r.topics), r.excerpt]
        )
    return out.getvalue().encode("utf-8")


def build_recap(uow: UnitOfWork, week: str) -> Recap:
    with uow.reading() as s:
        return build(s, week, uow.team.timezone, PARTS)


PARTS: list[RecapPart] = []  # the lines other features add (the watch's): the registry's list, given at register


def show(uow: UnitOfWork, req: Request, week: str) -> None:
    """`/cm recap [YYYY-Www]`: the recap for the person asking, default last week."""
    lang = req.language
    _ = translator(lang)
    typed = week.strip()
    try:
        week = week_of(parse_week(typed)) if typed else last_week(uow.clock(), uow.team.timezone)
    except ValueError:
        req.reply.reply(Message(text=Md.of(_("“{week}” is not a week: write it like 2026-W47."), week=typed)))
        return
    main, follow, as_csv = messages(build_recap(uow, week), lang, uow.clock())
    req.reply.reply(main)
    for message in follow:
        req.reply.reply(message)
    if as_csv:
        req.reply.reply(
            Message(text=Md.of(_("The full list: relais export moderation, or the weekly post's CSV file.")))
        )


SCHEDULE = Setting(
    "RECAP_SCHEDULE", "mon 9 0", read_schedule, N_("the weekly moderation recap in TEAM_CHANNEL (empty = off)")
)


@dataclass(frozen=True)
class RecapPost(Outgoing, kind="recap.post"):
    """The week's recap in TEAM_CHANNEL; its chart and the rest follow in its thread."""

    week: str


@dataclass(frozen=True)
class RecapChart(Outgoing, kind="recap.chart"):
    week: str
    channel: str


@dataclass(frozen=True)
class RecapThread(Outgoing, kind="recap.thread"):
    """One part of the list beyond the recap's own lines, in its thread."""

    week: str
    channel: str
    thread: str
    part: int


@dataclass(frozen=True)
class RecapCsv(Outgoing, kind="recap.csv"):
    """Every entry as a CSV file in the thread, when the list is too long for messages."""

    week: str
    channel: str
    thread: str


def owed(week: str) -> Owed:
    """The week's recap: its key makes it once only, whoever asks."""
    return Owed(RecapPost(week), f"recap:{week}")


def send_post(uow: UnitOfWork, post: RecapPost, _sending: Sending) -> Sent:
    """The text first (a failure retries the whole row), then the chart and the rest
    of the list as their own rows, in the text's thread."""
    week = post.week
    main, follow, as_csv = messages(build_recap(uow, week), uow.team.language, uow.clock())
    ref = uow.chat.post(uow.team.team_channel, main)
    more = [Owed(RecapChart(week, ref.channel), f"recap:{week}:chart")]
    more += [
        Owed(RecapThread(week, ref.channel, ref.message_id, i), f"recap:{week}:thread:{i}") for i in range(len(follow))
    ]
    if as_csv:
        more.append(Owed(RecapCsv(week, ref.channel, ref.message_id), f"recap:{week}:csv"))
    return Sent(more=tuple(more))


def send_chart(uow: UnitOfWork, chart: RecapChart, _sending: Sending) -> None:
    from handlers.recap.chart import chart_png  # matplotlib is loaded only when a recap is posted

    week, lang = chart.week, uow.team.language
    _ = translator(lang)
    uow.chat.upload(
        chart.channel,
        filename=f"moderation-{week}.png",
        content=chart_png(build_recap(uow, week), lang),
        title=_("Negative messages per day — {week}").format(week=week_said(week, lang)),
    )


def send_thread(uow: UnitOfWork, part: RecapThread, _sending: Sending) -> None:
    _main, follow, _as_csv = messages(build_recap(uow, part.week), uow.team.language, uow.clock())
    uow.chat.post(part.channel, follow[part.part], thread=MessageRef(part.channel, part.thread))


def send_csv(uow: UnitOfWork, file: RecapCsv, _sending: Sending) -> None:
    lang = uow.team.language
    _ = translator(lang)
    uow.chat.upload(
        file.channel,
        filename=f"moderation-{file.week}.csv",
        content=csv_bytes(build_recap(uow, file.week), lang),
        title=_("All negative messages — {week}").format(week=week_said(file.week, lang)),
        thread=MessageRef(file.channel, file.thread),
    )


def due(uow: UnitOfWork, fired_at: datetime) -> None:
    """At each RECAP_SCHEDULE time: the week before's recap, if Relais was in use by the
    end of that week (a new install does not post an empty recap for before it existed)."""
    week = last_week(fired_at, uow.team.timezone)
    _start, end = bounds(parse_week(week), uow.team.timezone)
    with uow.reading() as s:
        in_use = s.scalar(
            select(Outbox.id).where(Outbox.kind == RecapPost.kind, Outbox.created_at < end).limit(1)
        ) or s.scalar(select(ModerationEntry.id).where(ModerationEntry.seen_at < end).limit(1))
    if in_use:
        uow.queue(Owed(RecapPost(week), f"recap:{week}", due=fired_at))


def post_now(uow: UnitOfWork, week: str) -> str:
    """`relais recap --post`: owe the week's recap and send it now. Returns "posted",
    "already" (it is sent once, whoever asks) or "owed" (the platform refused: retried later)."""
    with uow.writing():
        added = uow.queue(owed(week))
    return "already" if not added else "posted" if uow.deliver() else "owed"
