"""The rhythm of the relationship: the weekly call for news, the CM's digest, and the
nudges a condition makes due (a question left unanswered, a wished date close, a
publication day, negative messages still pending). Each is a keyed outbox row —
keyed by the day it goes out, or by the event it is about — so two instances and
restarts send it once; what goes to the CM goes to the admins while the CM is away."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from handlers.core import outbox
from handlers.core.context import Deps
from handlers.core.i18n import N_, translator
from handlers.core.messages import Button, Md, Message, UserRef
from handlers.core.permissions import cm_back_on, cm_inbox
from handlers.core.ports import MessageRef
from handlers.core.registry import FollowUp, Recurring, Registry
from handlers.core.schedule import GRACE, local_day, office_hours
from handlers.moderation.cards import entry_card, entry_history
from handlers.news.cards import day, decision_card
from handlers.news.submit import send_button
from storage.models import ModerationEntry, News, NewsEvent, Outbox, QueueMessage

CARDS_MAX = 5  # items sent with their buttons in one nudge; the rest are counted
WAITING = ("new", "needs_info")


# The weekly call for news -------------------------------------------------------------


def _news_call_due(deps: Deps, moment: datetime) -> list[FollowUp]:
    return [FollowUp("reminders.news_call", {}, f"news-call:{local_day(moment, deps.team.timezone)}")]


def _news_call(deps: Deps, row: Outbox) -> list[FollowUp]:
    if not deps.team.leaders_channel:
        return []
    _ = translator(deps.team.language)
    text = Md.of(_("Type /news followed by your text, or press the button: the CM takes it from there."))
    back = cm_back_on(deps, local_day(deps.clock(), deps.team.timezone))
    if back:
        text = Md.of(
            "{t}\n{b}",
            t=text,
            b=_("The CM is away and back on {day}; your news will be waiting.").format(
                day=day(back, deps.team.language)
            ),
        )
    deps.chat.post(
        deps.team.leaders_channel,
        Message(
            title=_("📣 Any news for the CM this week?"),
            text=text,
            actions=[send_button(deps.team.language)],
        ),
    )
    return []


# The CM's digest ----------------------------------------------------------------------


def _digest_due(deps: Deps, moment: datetime) -> list[FollowUp]:
    return [FollowUp("reminders.digest", {}, f"digest:{local_day(moment, deps.team.timezone)}")]


def _waiting(deps: Deps, before: datetime) -> list[News]:
    with deps.db() as s:
        return list(
            s.scalars(select(News).where(News.status.in_(WAITING), News.created_at <= before).order_by(News.id))
        )


def _digest(deps: Deps, row: Outbox) -> list[FollowUp]:
    """Nothing when nothing waits; else, to each recipient, one DM saying how many and one
    card per oldest item (each its own row, so a retry never sends one twice)."""
    now = deps.clock()
    items = _waiting(deps, now - timedelta(days=deps.team.queue_reminder_days))
    if not items:
        return []
    rows = []
    for user in cm_inbox(deps, local_day(now, deps.team.timezone)):
        rows.append(FollowUp("reminders.digest_head", {"user": user, "n": len(items)}, f"{row.dedupe_key}:{user}"))
        rows += [
            FollowUp("reminders.card", {"user": user, "news": n.id}, f"{row.dedupe_key}:{user}:{n.id}")
            for n in items[:CARDS_MAX]
        ]
    return rows


def _digest_head(deps: Deps, row: Outbox) -> list[FollowUp]:
    user, n = row.payload["user"], row.payload["n"]
    lang = deps.language(user)
    _ = translator(lang)
    text = _("{n} news waiting for a decision for more than {days} days, oldest first:").format(
        n=n, days=deps.team.queue_reminder_days
    )
    if n > CARDS_MAX:
        text += " " + _("the {k} oldest below; /cm queue shows them all.").format(k=CARDS_MAX)
    deps.chat.dm(user, Message(title=_("☀️ Your news digest"), text=Md.of(text), context=_standing_in(deps, user)))
    return []


def _standing_in(deps: Deps, user: str) -> Md | None:
    """Said to an admin who receives what is for the CM while the CM is away."""
    back = cm_back_on(deps, local_day(deps.clock(), deps.team.timezone))
    if user in deps.team.cm_users or back is None:
        return None
    lang = deps.language(user)
    _ = translator(lang)
    return Md.of(_("You receive this while the CM is away; the CM is back on {day}."), day=day(back, lang))


def _card(deps: Deps, row: Outbox) -> list[FollowUp]:
    """One item with its buttons, to one person, with why it is sent (`why`, a catalog text)."""
    user = row.payload["user"]
    lang = deps.language(user)
    _ = translator(lang)
    with deps.db() as s:
        news = s.get(News, row.payload["news"])
    if news is None:
        return []
    card = decision_card(news, lang, deps.team.timezone)
    why = row.payload.get("why")
    if why:
        card = Message(title=_(why), text=card.text, actions=card.actions, fallback=card.fallback)
    deps.chat.dm(user, card)
    return []


# Nudges a condition makes due ---------------------------------------------------------


def watch(deps: Deps) -> None:
    now = deps.clock()
    team = deps.team
    when = office_hours(now, team.timezone, team.holidays_country)
    today = local_day(now, team.timezone)
    to_cm = cm_inbox(deps, today)
    rows: list[tuple[FollowUp, datetime]] = []
    ask_after = timedelta(days=team.answer_reminder_days)
    with deps.db() as s:
        asked = s.execute(
            select(News, NewsEvent)
            .join(NewsEvent, NewsEvent.news_id == News.id)
            .where(News.status == "needs_info", NewsEvent.kind == "needs_info", NewsEvent.at <= now - ask_after)
        ).all()
        for news, event in asked:
            if not _unanswered(news, event):
                continue
            rows.append((FollowUp("reminders.answer", {"event": event.id}, f"answer-reminder:{event.id}"), when))
            if event.at <= now - 2 * ask_after:
                rows.append((FollowUp("reminders.answer_late", {"event": event.id}, f"answer-late:{event.id}"), when))
        close = s.scalars(
            select(News).where(News.status.in_(WAITING), News.wished_date.is_not(None),
                               News.wished_date <= today + timedelta(days=2))
        )  # fmt: skip
        for news in close:
            why = N_("⏰ Wished publication date close, still undecided")
            rows += [
                (FollowUp("reminders.card", {"user": u, "news": news.id, "why": why}, f"deadline:{news.id}:{u}"), when)
                for u in to_cm
            ]
        today_items = s.scalars(select(News).where(News.status == "scheduled", News.scheduled_for == today))
        for news in today_items:
            why = N_("📅 To publish today")
            rows += [
                (FollowUp("reminders.card", {"user": u, "news": news.id, "why": why},
                          f"publish-day:{news.id}:{today}:{u}"), when)
                for u in to_cm
            ]  # fmt: skip
    if _pending(deps, limit=1):
        day_of = local_day(when, team.timezone)
        rows += [
            (FollowUp("reminders.moderation", {"user": u}, f"moderation-reminder:{day_of}:{u}"), when) for u in to_cm
        ]
    outbox.owe(deps, rows)


def _unanswered(news: News, question: NewsEvent) -> bool:
    """The CM's question is still the last word: not answered, decided or asked again since."""
    return news.status == "needs_info" and not any(e.id > question.id for e in news.events)


def _event(deps: Deps, event_id: int) -> tuple[NewsEvent, News] | None:
    with deps.db() as s:
        event = s.get(NewsEvent, event_id)
        if event is None:
            return None
        news = s.get(News, event.news_id)
        assert news is not None
        if not _unanswered(news, event):
            return None  # answered (or decided) between the check and the delivery
        return event, news


def _answer(deps: Deps, row: Outbox) -> list[FollowUp]:
    found = _event(deps, row.payload["event"])
    if found is None:
        return []
    event, news = found
    lang = deps.language(news.author_id)
    _ = translator(lang)
    text = Md.of(
        _("{who} is still waiting for your answer about your news “{title}”:\n> {note}"),
        who=UserRef(event.actor_id),
        title=news.title,
        note=event.note,
    )
    deps.chat.dm(
        news.author_id,
        Message(
            title=_("🔔 Reminder"),
            text=text,
            actions=[Button("news.answer", _("Answer"), str(news.id), "primary")],
            fallback=_("News about your submission: {title}").format(title=news.title),
        ),
    )
    return []


def _answer_late(deps: Deps, row: Outbox) -> list[FollowUp]:
    found = _event(deps, row.payload["event"])
    if found is None:
        return []
    event, news = found
    _ = translator(deps.team.language)
    days = (deps.clock() - event.at).days
    text = Md.of(
        _("🔕 {who} has not answered your question about “{title}” for {days} days (a reminder was sent)."),
        who=UserRef(news.author_id),
        title=news.title,
        days=days,
    )
    with deps.db() as s:
        card = s.get(QueueMessage, news.id)
    thread = MessageRef(card.channel, card.message_id) if card else None
    deps.chat.post(deps.team.queue_channel, Message(text=text), thread=thread)
    return []


def _pending(deps: Deps, limit: int | None = None) -> list[ModerationEntry]:
    """Entries still pending after MODERATION_REMINDER_HOURS, oldest first."""
    since = deps.clock() - timedelta(hours=deps.team.moderation_reminder_hours)
    with deps.db() as s:
        return list(
            s.scalars(
                select(ModerationEntry)
                .where(ModerationEntry.handling == "pending", ModerationEntry.seen_at <= since)
                .order_by(ModerationEntry.seen_at)
                .limit(limit)
            )
        )


def _moderation(deps: Deps, row: Outbox) -> list[FollowUp]:
    """One DM saying how many, then one card per oldest entry, with its handling buttons."""
    user = row.payload["user"]
    entries = _pending(deps)
    if not entries:
        return []
    lang = deps.language(user)
    _ = translator(lang)
    text = _("{n} negative messages still pending for more than {hours} hours; each needs a handling:").format(
        n=len(entries), hours=deps.team.moderation_reminder_hours
    )
    if len(entries) > CARDS_MAX:
        text += " " + _("the {k} oldest below; /cm log list open shows them all.").format(k=CARDS_MAX)
    deps.chat.dm(
        user, Message(title=_("🛡️ Negative messages to handle"), text=Md.of(text), context=_standing_in(deps, user))
    )
    return [
        FollowUp("reminders.entry", {"user": user, "entry": e.id}, f"{row.dedupe_key}:{e.id}")
        for e in entries[:CARDS_MAX]
    ]


def _entry(deps: Deps, row: Outbox) -> list[FollowUp]:
    user = row.payload["user"]
    with deps.db() as s:
        entry = s.get(ModerationEntry, row.payload["entry"])
        events = entry_history(s, row.payload["entry"])
    if entry is not None and entry.handling == "pending":
        deps.chat.dm(user, entry_card(entry, events, deps.language(user), deps.team.timezone))
    return []


def register(reg: Registry) -> None:
    reg.every(Recurring("news_call", _news_call_due, skips_holidays=True, grace=GRACE))
    reg.every(Recurring("cm_digest", _digest_due, skips_holidays=True, grace=GRACE))
    reg.watch(watch)
    deliverers: dict[str, Any] = {
        "reminders.news_call": _news_call,
        "reminders.digest": _digest,
        "reminders.digest_head": _digest_head,
        "reminders.card": _card,
        "reminders.answer": _answer,
        "reminders.answer_late": _answer_late,
        "reminders.moderation": _moderation,
        "reminders.entry": _entry,
    }
    for kind, deliver in deliverers.items():
        reg.deliverer(kind, deliver)
