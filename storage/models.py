"""Typed ORM models. Every table a volunteer's words land in is written before
any platform call, so nothing typed is lost when Slack or Mattermost is down."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any, cast

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """Only for rows written without a session (Core inserts that give no time)."""
    return datetime.now(timezone.utc)


_STAMPED: dict[type, tuple[str, ...]] = {}


def stamped(model: type) -> tuple[str, ...]:
    """The columns a new row gets the current time in (make_sessions stamps them by its clock)."""
    if model not in _STAMPED:
        columns = cast(Any, model).__table__.columns
        _STAMPED[model] = tuple(c.key for c in columns if isinstance(c.type, UTCDateTime) and c.default is not None)
    return _STAMPED[model]


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware UTC datetimes; SQLite would otherwise hand back naive ones."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


class Base(DeclarativeBase):
    pass


def table_of(model: type[Base]) -> Table:
    """The table behind a model, for the statements the core builds once and runs on every request."""
    return cast(Table, model.__table__)


class User(Base):
    """What Relais remembers of a person: the language they want to be answered in."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[str] = mapped_column(String(64), unique=True)
    language: Mapped[str | None] = mapped_column(String(8))
    away_until: Mapped[date | None] = mapped_column(Date)  # a CM away: what is theirs goes to the admins
    home_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # opened the home tab: keep it current


class News(Base):
    __tablename__ = "news"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(150))
    body: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(20), default="other")
    wished_date: Mapped[date | None] = mapped_column(Date)
    links: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    scheduled_for: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    source_author: Mapped[str | None] = mapped_column(String(64))  # who wrote the message sent on as news
    source_link: Mapped[str | None] = mapped_column(Text)  # the link that opens that message
    events: Mapped[list[NewsEvent]] = relationship(back_populates="news", order_by="NewsEvent.id", lazy="selectin")


class NewsEvent(Base):
    """One line of a news item's history: a status change or the submitter's answer."""

    __tablename__ = "news_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    news_id: Mapped[int] = mapped_column(ForeignKey("news.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # a status, or "answer"
    actor_id: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    news: Mapped[News] = relationship(back_populates="events")


class PostedCard(Base):
    """Where a feature's card sits in a channel (`news` 12, `moderation` 7), so it is
    updated in place; the one way every feature remembers it (handlers/core/cards.py)."""

    __tablename__ = "posted_cards"
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    item_id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(64))


class Charter(Base):
    """Every version of every charter; the newest of a kind and language is in force."""

    __tablename__ = "charters"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Outbox(Base):
    """Everything Relais sends, once: written in the same transaction as the change
    that causes it, claimed before the platform call, keyed so that a retry, a
    restart or a second instance never sends it twice. The payload names what to
    send (ids), not a rendered message, so a late delivery shows things as they are."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")


class Inbox(Base):
    """Every command, click and form submission, written before it is acknowledged
    and processed from here, so a crash never loses what a person was told was
    received. The key is the platform's own id: a retried request finds its row."""

    __tablename__ = "inbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # command | action | form | mention
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class Topic(Base):
    """A sensitive subject for the association; keywords are matched in news and moderation entries."""

    __tablename__ = "topics"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    keywords: Mapped[str] = mapped_column(Text, default="")  # comma-separated
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ModerationEntry(Base):
    """One negative message seen online and where its handling stands."""

    __tablename__ = "moderation_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    network: Mapped[str] = mapped_column(String(20), index=True)
    link: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(200))
    excerpt: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(10), default="low")
    handling: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    logged_by: Mapped[str] = mapped_column(String(64))
    handled_by: Mapped[str | None] = mapped_column(String(64))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    anonymized_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    anonymized_why: Mapped[str | None] = mapped_column(String(10))  # retention | request
    topics: Mapped[list[EntryTopic]] = relationship(lazy="selectin", cascade="all, delete-orphan")
    link_key: Mapped[str | None] = mapped_column(String(1000), index=True)  # the link normalised: one entry per link
    reports: Mapped[list[EntryReport]] = relationship(lazy="selectin", order_by="EntryReport.reported_at")


class EntryReport(Base):
    """A member who reported this negative message (`/cm report`), and whether they were
    told how the CM handled it."""

    __tablename__ = "entry_reports"
    entry_id: Mapped[int] = mapped_column(ForeignKey("moderation_entries.id"), primary_key=True)
    reporter_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    note: Mapped[str] = mapped_column(Text, default="")
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when the message saying how it was handled was owed


class EntryTopic(Base):
    """Which sensitive topics an entry touched when it was logged, for totals computed in SQL."""

    __tablename__ = "entry_topics"
    entry_id: Mapped[int] = mapped_column(ForeignKey("moderation_entries.id"), primary_key=True)
    topic: Mapped[str] = mapped_column(String(80), primary_key=True, index=True)


class ModerationEvent(Base):
    """Each change of an entry's handling: who, when, and their note."""

    __tablename__ = "moderation_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("moderation_entries.id"), index=True)
    handling: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Reminder(Base):
    """A person's reminder: to themselves, a channel or someone, once or on a rhythm.
    Each occurrence is an outbox row keyed by its day, so it is sent once."""

    __tablename__ = "reminders"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[str] = mapped_column(String(64), index=True)
    target: Mapped[str] = mapped_column(String(10))  # me | channel | person
    target_id: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    first_at: Mapped[datetime] = mapped_column(UTCDateTime)
    repeat: Mapped[str] = mapped_column(String(10), default="never")  # never | daily | workdays | weekly | monthly
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class OnboardingStep(Base):
    """One step of the CM's first weeks; `week` counts from the day the plan starts."""

    __tablename__ = "onboarding_steps"
    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    week: Mapped[int] = mapped_column(Integer)
    owner: Mapped[str] = mapped_column(String(64), default="")  # a person id, or empty: the CM
    command: Mapped[str] = mapped_column(String(60), default="")
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by: Mapped[str | None] = mapped_column(String(64))


class TeamState(Base):
    """Small facts about the team that outlive a restart (when the onboarding plan started)."""

    __tablename__ = "team_state"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
