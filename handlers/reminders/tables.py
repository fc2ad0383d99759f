"""People's reminders."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime, utcnow


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
