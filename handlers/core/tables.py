"""The core's tables: the inbox and outbox every request and message goes through,
the people Relais knows, where each card sits, and the team's small durable facts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime, utcnow


class User(Base):
    """What Relais remembers of a person: the language they want to be answered in."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[str] = mapped_column(String(64), unique=True)
    language: Mapped[str | None] = mapped_column(String(8))
    away_until: Mapped[date | None] = mapped_column(Date)  # a CM away: what is theirs goes to the admins
    home_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # opened the home tab: keep it current


class PostedCard(Base):
    """Where a feature's card sits in a channel (`news` 12, `moderation` 7), so it is
    updated in place; the one way every feature remembers it (handlers/core/cards.py)."""

    __tablename__ = "posted_cards"
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    item_id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(64))


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


class TeamState(Base):
    """Small facts about the team that outlive a restart (when the onboarding plan started)."""

    __tablename__ = "team_state"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
