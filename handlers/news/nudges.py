"""The news rhythm: the weekly call for news, the CM's digest, and the nudges a
condition makes due (a question left unanswered, a wished date close, a
publication day). Each is a keyed outbox row — keyed by the day it goes out, or
by the event it is about — so two instances and restarts send it once; what goes
to the CM goes to the admins while the CM is away (core.permissions)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from handlers.core import owing
from handlers.core.cards import where_posted
from handlers.core.dates import day
from handlers.core.i18n import N_, translator
from handlers.core.messages import Button, Md, Message, UserRef
from handlers.core.permissions import cm_back_on, cm_inbox, standing_in
from handlers.core.registry import FollowUp, Recurring, Registry, Setting
from handlers.core.schedule import GRACE, local_day, office_hours, read_schedule, whole_number
from handlers.core.uow import UnitOfWork
from handlers.news import delivery
from handlers.news.cards import decision_card
from handlers.news.form import send_button
from storage.models import News, NewsEvent, Outbox

CARDS_MAX = 5  # items sent with their buttons in one nudge; the rest are counted
WAITING = ("new", "needs_info")
NEWS_CALL = Setting(
    "NEWS_CALL_SCHEDULE", "fri 10 0", read_schedule, N_("weekly call for news in LEADERS_CHANNEL (empty = off)")
)
CM_DIGEST = Setting(
    "CM_DIGEST_SCHEDULE", "mon-fri 9 0", read_schedule, N_("the CM's digest of news waiting too long (empty = off)")
)
QUEUE_DAYS = Setting(
    "QUEUE_REMINDER_DAYS", "3", whole_number(0), N_("news waiting longer than this many days are in the digest")
)
ANSWER_DAYS = Setting(
    "ANSWER_REMINDER_DAYS", "2", whole_number(1), N_("days before an unanswered question is recalled to its author")
)


def _news_call_due(uow: UnitOfWork, moment: datetime) -> list[FollowUp]:
    return [FollowUp("news.call", {}, f"news-call:{local_day(moment, uow.team.timezone)}")]


def _news_call(uow: UnitOfWork, row: Outbox) -> list[FollowUp]:
    if not uow.team.leaders_channel:
        return []
    _ = translator(uow.team.language)
    text = Md.of(_("Type /news followed by your text, or press the button: the CM takes it from there."))
    back = cm_back_on(uow, local_day(uow.clock(), uow.team.timezone))
    if back:
        text = Md.of(
            "{t}\n{b}",
            t=text,
            b=_("The CM is away and back on {day}; your news will be waiting.").format(
                day=day(back, uow.team.language)
            ),
        )
    uow.chat.post(
        uow.team.leaders_channel,
        Message(
            title=_("📣 Any news for the CM this week?"),
            text=text,
            actions=[send_button(uow.team.language)],
        ),
    )
    return []


def _digest_due(uow: UnitOfWork, moment: datetime) -> list[FollowUp]:
    return [FollowUp("news.digest", {}, f"digest:{local_day(moment, uow.team.timezone)}")]


def _waiting(uow: UnitOfWork, before: datetime) -> list[News]:
    with uow.reading() as s:
        return list(
            s.scalars(select(News).where(News.status.in_(WAITING), News.created_at <= before).order_by(News.id))
        )


def _digest(uow: UnitOfWork, row: Outbox) -> list[FollowUp]:
    """Nothing when nothing waits; else, to each recipient, one DM saying how many and one
    card per oldest item (each its own row, so a retry never sends one twice)."""
    now = uow.clock()
    items = _waiting(uow, now - timedelta(days=QUEUE_DAYS.of(uow.team)))
    if not items:
        return []
    rows = []
    for user in cm_inbox(uow, local_day(now, uow.team.timezone)):
        rows.append(FollowUp("news.digest_head", {"user": user, "n": len(items)}, f"{row.dedupe_key}:{user}"))
        rows += [
            FollowUp("news.card", {"user": user, "news": n.id}, f"{row.dedupe_key}:{user}:{n.id}")
            for n in items[:CARDS_MAX]
        ]
    return rows


def _digest_head(uow: UnitOfWork, row: Outbox) -> list[FollowUp]:
    user, n = row.payload["user"], row.payload["n"]
    lang = uow.language(user)
    _ = translator(lang)
    text = _("{n} news waiting for a decision for more than {days} days, oldest first:").format(
        n=n, days=QUEUE_DAYS.of(uow.team)
    )
    if n > CARDS_MAX:
        text += " " + _("the {k} oldest below; /cm queue shows them all.").format(k=CARDS_MAX)
    uow.chat.dm(user, Message(title=_("☀️ Your news digest"), text=Md.of(text), context=standing_in(uow, user)))
    return []


def _card(uow: UnitOfWork, row: Outbox) -> list[FollowUp]:
    """One item with its buttons, to one person, with why it is sent (`why`, a catalog text)."""
    user = row.payload["user"]
    lang = uow.language(user)
    _ = translator(lang)
    with uow.reading() as s:
        news = s.get(News, row.payload["news"])
    if news is None:
        return []
    card = decision_card(news, lang, uow.team.timezone)
    why = row.payload.get("why")
    if why:
        card = Message(title=_(why), text=card.text, actions=card.actions, fallback=card.fallback)
    uow.chat.dm(user, card)
    return []


def watch(uow: UnitOfWork) -> None:
    now = uow.clock()
    team = uow.team
    when = office_hours(now, team.timezone, team.holidays_country)
    today = local_day(now, team.timezone)
    to_cm = cm_inbox(uow, today)
    rows: list[tuple[FollowUp, datetime]] = []
    ask_after = timedelta(days=ANSWER_DAYS.of(team))
    with uow.reading() as s:
        asked = s.execute(
            select(News, NewsEvent)
            .join(NewsEvent, NewsEvent.news_id == News.id)
            .where(News.status == "needs_info", NewsEvent.kind == "needs_info", NewsEvent.at <= now - ask_after)
        ).all()
        for news, event in asked:
            if not _unanswered(news, event):
                continue
            rows.append((FollowUp("news.answer_reminder", {"event": event.id}, f"answer-reminder:{event.id}"), when))
            if event.at <= now - 2 * ask_after:
                rows.append((FollowUp("news.answer_late", {"event": event.id}, f"answer-late:{event.id}"), when))
        close = s.scalars(
            select(News).where(News.status.in_(WAITING), News.wished_date.is_not(None),
                               News.wished_date <= today + timedelta(days=2))
        )  # fmt: skip
        for news in close:
            why = N_("⏰ Wished publication date close, still undecided")
            rows += [
                (FollowUp("news.card", {"user": u, "news": news.id, "why": why}, f"deadline:{news.id}:{u}"), when)
                for u in to_cm
            ]
        today_items = s.scalars(select(News).where(News.status == "scheduled", News.scheduled_for == today))
        for news in today_items:
            why = N_("📅 To publish today")
            rows += [
                (FollowUp("news.card", {"user": u, "news": news.id, "why": why},
                          f"publish-day:{news.id}:{today}:{u}"), when)
                for u in to_cm
            ]  # fmt: skip
    owing.owe(uow, rows)


def _unanswered(news: News, question: NewsEvent) -> bool:
    """The CM's question is still the last word: not answered, decided or asked again since."""
    return news.status == "needs_info" and not any(e.id > question.id for e in news.events)


def _event(uow: UnitOfWork, event_id: int) -> tuple[NewsEvent, News] | None:
    with uow.reading() as s:
        event = s.get(NewsEvent, event_id)
        if event is None:
            return None
        news = s.get(News, event.news_id)
        assert news is not None
        if not _unanswered(news, event):
            return None  # answered (or decided) between the check and the delivery
        return event, news


def _answer(uow: UnitOfWork, row: Outbox) -> list[FollowUp]:
    found = _event(uow, row.payload["event"])
    if found is None:
        return []
    event, news = found
    lang = uow.language(news.author_id)
    _ = translator(lang)
    text = Md.of(
        _("{who} is still waiting for your answer about your news “{title}”:\n> {note}"),
        who=UserRef(event.actor_id),
        title=news.title,
        note=event.note,
    )
    uow.chat.dm(
        news.author_id,
        Message(
            title=_("🔔 Reminder"),
            text=text,
            actions=[Button("news.answer", _("Answer"), str(news.id), "primary")],
            fallback=_("News about your submission: {title}").format(title=news.title),
        ),
    )
    return []


def _answer_late(uow: UnitOfWork, row: Outbox) -> list[FollowUp]:
    found = _event(uow, row.payload["event"])
    if found is None:
        return []
    event, news = found
    _ = translator(uow.team.language)
    days = (uow.clock() - event.at).days
    text = Md.of(
        _("🔕 {who} has not answered your question about “{title}” for {days} days (a reminder was sent)."),
        who=UserRef(news.author_id),
        title=news.title,
        days=days,
    )
    with uow.reading() as s:
        thread = where_posted(s, delivery.KIND, news.id)
    uow.chat.post(uow.team.queue_channel, Message(text=text), thread=thread)
    return []


def register(reg: Registry) -> None:
    reg.every(Recurring(NEWS_CALL, _news_call_due, skips_holidays=True, grace=GRACE))
    reg.every(Recurring(CM_DIGEST, _digest_due, skips_holidays=True, grace=GRACE))
    reg.setting(QUEUE_DAYS)
    reg.setting(ANSWER_DAYS)
    reg.watch(watch)
    reg.deliverer("news.call", _news_call)
    reg.deliverer("news.digest", _digest)
    reg.deliverer("news.digest_head", _digest_head)
    reg.deliverer("news.card", _card)
    reg.deliverer("news.answer_reminder", _answer)
    reg.deliverer("news.answer_late", _answer_late)
