"""The team's settings and one person's request, as every use case receives them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.core.ports import Reply
from handlers.core.tables import User


@dataclass(frozen=True)
class Team:
    queue_channel: str
    team_channel: str = ""
    language: str = "fr"
    timezone: ZoneInfo = ZoneInfo("Europe/Paris")
    cm_users: frozenset[str] = frozenset()
    admin_users: frozenset[str] = frozenset()
    leaders_channel: str = ""
    holidays_country: str = ""  # no reminder on this country's public holidays
    settings: Mapping[str, Any] = field(default_factory=dict)  # the features' settings, read at start (Setting.of)


def person(session: Session, user_id: str) -> User:
    """What Relais remembers of this person, added in the caller's transaction the first time."""
    user = session.scalar(select(User).where(User.platform_id == user_id))
    if user is None:
        user = User(platform_id=user_id)
        session.add(user)
    return user


@dataclass(frozen=True)
class Request:
    """One person's command, click or form, already out of the platform's format."""

    user_id: str
    reply: Reply
    channel_id: str = ""
    language: str = ""  # looked up once, when the request reaches the router
    inbox_id: int | None = None  # the inbox row this request was processed from
    cm: bool = False  # set by the router: a CM or an admin, for what the answer shows (never for access)
    marked: set[int] = field(default_factory=set)  # inbox rows a unit of work marked processed
