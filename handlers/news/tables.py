"""The news items leaders send the CM, and each one's history."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.models import Base, UTCDateTime, utcnow


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
