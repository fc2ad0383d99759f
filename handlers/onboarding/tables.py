"""The CM's onboarding plan."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime


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
