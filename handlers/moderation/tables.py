"""The log of every negative message seen online, the topics it touched, the members
who reported it, and each change of its handling."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models import Base, UTCDateTime, utcnow


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
