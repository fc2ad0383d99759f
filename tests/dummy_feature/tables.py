"""The dummy's own table, made by its own migration (migrations/, its Alembic branch)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime, utcnow


class SecretWord(Base):
    """A word the CM kept with the dummy's CM-only form."""

    __tablename__ = "dummy_secret_words"
    id: Mapped[int] = mapped_column(primary_key=True)
    word: Mapped[str] = mapped_column(String(100))
    kept_by: Mapped[str] = mapped_column(String(64))
    kept_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
