"""What every use case receives: the team's settings, the database, the platform."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, sessionmaker

from handlers.core.ports import Chat, Reply
from storage.models import User, table_of

if TYPE_CHECKING:
    from handlers.core.registry import Registry


_USERS = table_of(User)
_LANGUAGE = select(_USERS.c.language).where(_USERS.c.platform_id == bindparam("user"))  # built once: every request asks


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


@dataclass(frozen=True)
class Deps:
    db: sessionmaker[Session]
    chat: Chat
    team: Team
    features: Registry
    clock: Callable[[], datetime]  # the wall clock in production (bot/bootstrap.py); each test's own in tests

    def today(self) -> date:
        """The team's local day by the injected clock: dates people type are read from it."""
        return self.clock().astimezone(self.team.timezone).date()

    def language(self, user_id: str) -> str:
        """The language to answer this person in, outside any transaction."""
        with self.db() as session:
            chosen = session.execute(_LANGUAGE, {"user": user_id}).scalar()
        return chosen or self.team.language


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
