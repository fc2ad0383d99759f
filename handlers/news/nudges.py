"""The news rhythm: the weekly call for news, the CM's digest, and the nudges a
condition makes due (a question left unanswered, a wished date close, a
publication day). Each is a keyed outbox row — keyed by the day it goes out, or
by the event it is about — so two instances and restarts send it once; what goes
to the CM goes to the admins while the CM is away (core.permissions)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.core.cards import where_posted
from handlers.core.dates import write_day
from handlers.core.i18n import N_, translator
from handlers.core.messages import Button, Md, Message, UserRef
from handlers.core.permissions import cm_back_on, cm_inbox, standing_in
from handlers.core.registry import DigestPart, Outgoing, Owed, Sending, Sent, Setting
from handlers.core.schedule import local_day, read_schedule, whole_number
from handlers.core.work import UnitOfWork
from handlers.news import delivery
from handlers.news.cards import decision_card
from handlers.news.form import send_button
from handlers.news.tables import News, NewsEvent

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
DEADLINE_DAYS = Setting(
    "DEADLINE_REMINDER_DAYS",
    "2",
    whole_number(0),
    N_("an undecided news whose wished date is this many days away or less is sent to the CM"),
)


@dataclass(frozen=True)
class NewsCall(Outgoing, kind="news.call"):
    """The weekly call for news in LEADERS_CHANNEL."""


@dataclass(frozen=True)
class Digest(Outgoing, kind="news.digest"):
    """The CM's digest: a head and a card per oldest waiting item, to each recipient."""


@dataclass(frozen=True)
class DigestHead(Outgoing, kind="news.digest_head"):
    user: str
    n: int


@dataclass(frozen=True)
class NewsCard(Outgoing, kind="news.card"):
    """One item with its buttons, to one person, with why it is sent (`why`, a msgid)."""

    user: str
    news: int
    why: str = ""


@dataclass(frozen=True)
class AnswerReminder(Outgoing, kind="news.answer_reminder"):
    """To the submitter: the CM's question is still waiting for an answer."""

    event: int


@dataclass(frozen=True)
class AnswerLate(Outgoing, kind="news.answer_late"):
    """In the card's thread: the submitter has not answered, even after the reminder."""

    event: int


def news_call_due(uow: UnitOfWork, moment: datetime) -> None:
    uow.queue(Owed(NewsCall(), f"news-call:{local_day(moment, uow.team.timezone)}", due=moment))


def send_news_call(uow: UnitOfWork, _call: NewsCall, _sending: Sending) -> None:
    if not uow.team.leaders_channel:
        return
    _ = translator(uow.team.language)
    text = Md.of(_("Type /news followed by your text, or press the button: the CM takes it from there."))
    back = cm_back_on(uow, local_day(uow.clock(), uow.team.timezone))
    if back:
        text = Md.of(
            "{t}\n{b}",
            t=text,
            b=_("The CM is away and back on {day}; your news will be waiting.").format(
                day=write_day(back, uow.team.language)
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


def digest_due(uow: UnitOfWork, moment: datetime) -> None:
    uow.queue(Owed(Digest(), f"digest:{local_day(moment, uow.team.timezone)}", due=moment))


def _waiting(uow: UnitOfWork, before: datetime) -> list[News]:
    with uow.reading() as s:
        return list(
            s.scalars(select(News).where(News.status.in_(WAITING), News.created_at <= before).order_by(News.id))
        )


def send_digest(uow: UnitOfWork, _digest: Digest, sending: Sending, parts: Sequence[DigestPart] = ()) -> Sent:
    """Nothing when nothing waits; else, to each recipient, one DM saying how many (and
    what the other features' parts count) and one card per oldest item (each its own row,
    so a retry never sends one twice)."""
    now = uow.clock()
    items = _waiting(uow, now - timedelta(days=QUEUE_DAYS.of(uow.team)))
    more = []
    for user in cm_inbox(uow, local_day(now, uow.team.timezone)):
        if not items and not _part_lines(uow, parts, uow.language(user)):
            continue
        more.append(Owed(DigestHead(user, len(items)), f"{sending.key}:{user}"))
        more += [Owed(NewsCard(user, n.id), f"{sending.key}:{user}:{n.id}") for n in items[:CARDS_MAX]]
    return Sent(more=tuple(more))


def _part_lines(uow: UnitOfWork, parts: Sequence[DigestPart], lang: str) -> list[Md]:
    return [line for line in (p.line(uow, lang) for p in parts) if line is not None]


def send_digest_head(uow: UnitOfWork, head: DigestHead, _sending: Sending, parts: Sequence[DigestPart] = ()) -> None:
    user, n = head.user, head.n
    lang = uow.language(user)
    _ = translator(lang)
    lines = _part_lines(uow, parts, lang)
    said = []
    if n:
        text = _("{n} news waiting for a decision for more than {days} days, oldest first:").format(
            n=n, days=QUEUE_DAYS.of(uow.team)
        )
        if n > CARDS_MAX:
            text += " " + _("the {k} oldest below; /cm queue shows them all.").format(k=CARDS_MAX)
        said.append(Md.of(text))
    if not said and not lines:
        return  # triaged since it was owed: nothing to say
    title = _("☀️ Your news digest") if n else _("☀️ Your digest")
    uow.chat.dm(user, Message(title=title, text=Md.join([*lines, *said], sep="\n\n"), context=standing_in(uow, user)))


def send_card(uow: UnitOfWork, sent: NewsCard, _sending: Sending) -> None:
    """One item with its buttons, to one person, with why it is sent (`why`, a catalog text)."""
    lang = uow.language(sent.user)
    _ = translator(lang)
    with uow.reading() as s:
        news = s.get(News, sent.news)
    if news is None:
        return
    card = decision_card(news, lang, uow.team.timezone)
    if sent.why:
        card = Message(title=_(sent.why), text=card.text, actions=card.actions, fallback=card.fallback)
    uow.chat.dm(sent.user, card)


def watch(uow: UnitOfWork, when: datetime) -> None:
    """At every tick: questions left unanswered, wished dates close, publication days;
    what they make due goes out `when` (office hours)."""
    today = local_day(uow.clock(), uow.team.timezone)
    to_cm = cm_inbox(uow, today)
    with uow.reading() as s:
        owed = [*_unanswered_questions(uow, s), *_deadlines(uow, s, today, to_cm), *_publish_days(s, today, to_cm)]
    uow.queue(*(Owed(o.message, o.key, due=when) for o in owed))


def _unanswered_questions(uow: UnitOfWork, s: Session) -> Iterator[Owed]:
    now, ask_after = uow.clock(), timedelta(days=ANSWER_DAYS.of(uow.team))
    asked = s.execute(
        select(News, NewsEvent)
        .join(NewsEvent, NewsEvent.news_id == News.id)
        .where(News.status == "needs_info", NewsEvent.kind == "needs_info", NewsEvent.at <= now - ask_after)
    ).all()
    for news, event in asked:
        if not _unanswered(news, event):
            continue
        yield Owed(AnswerReminder(event.id), f"answer-reminder:{event.id}")
        if event.at <= now - 2 * ask_after:
            yield Owed(AnswerLate(event.id), f"answer-late:{event.id}")


def _deadlines(uow: UnitOfWork, s: Session, today: date, to_cm: list[str]) -> Iterator[Owed]:
    close = today + timedelta(days=DEADLINE_DAYS.of(uow.team))
    why = N_("⏰ Wished publication date close, still undecided")
    waiting = select(News).where(News.status.in_(WAITING), News.wished_date.is_not(None), News.wished_date <= close)
    for news in s.scalars(waiting):
        yield from (Owed(NewsCard(u, news.id, why), f"deadline:{news.id}:{u}") for u in to_cm)


def _publish_days(s: Session, today: date, to_cm: list[str]) -> Iterator[Owed]:
    why = N_("📅 To publish today")
    for news in s.scalars(select(News).where(News.status == "scheduled", News.scheduled_for == today)):
        yield from (Owed(NewsCard(u, news.id, why), f"publish-day:{news.id}:{today}:{u}") for u in to_cm)


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


def send_answer(uow: UnitOfWork, reminder: AnswerReminder, _sending: Sending) -> None:
    found = _event(uow, reminder.event)
    if found is None:
        return
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


def send_answer_late(uow: UnitOfWork, late: AnswerLate, _sending: Sending) -> None:
    found = _event(uow, late.event)
    if found is None:
        return
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
