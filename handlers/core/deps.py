"""What the core runs on: the database, the platform, the team, the declared
features and the clock — built once at start (bot/bootstrap.py), each test's own
in tests. Use cases see it through their unit of work (handlers/core/work.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, sessionmaker

from handlers.core.context import Team
from handlers.core.ports import Chat
from handlers.core.registry import Registry
from handlers.core.tables import User
from storage.models import table_of

_USERS = table_of(User)
_LANGUAGE = select(_USERS.c.language).where(_USERS.c.platform_id == bindparam("user"))  # built once: every request asks


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
