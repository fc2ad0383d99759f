"""Who is a CM or an admin (the settings name them), and which CMs are away."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from handlers.core.context import Team
from handlers.core.dates import write_day
from handlers.core.i18n import translator
from handlers.core.messages import Md
from handlers.core.tables import User
from handlers.core.work import UnitOfWork


def is_cm(team: Team, user_id: str) -> bool:
    """Read by the router only: features declare `access=` and read `req.cm`."""
    return user_id in team.cm_users or user_id in team.admin_users


def is_admin(team: Team, user_id: str) -> bool:
    return user_id in team.admin_users


def _away(deps: UnitOfWork, today: date) -> dict[str, date]:
    """The CMs away today, with their last day away."""
    with deps.reading() as s:
        rows = s.execute(
            select(User.platform_id, User.away_until).where(
                User.platform_id.in_(sorted(deps.team.cm_users)), User.away_until >= today
            )
        )
        return {user: until for user, until in rows if until is not None}


def cm_inbox(deps: UnitOfWork, today: date) -> list[str]:
    """Who receives what is for the CM today: the CMs who are not away, or the admins
    while every CM is away."""
    cms = sorted(deps.team.cm_users)
    away = _away(deps, today)
    present = [c for c in cms if c not in away]
    return present if present or not cms else sorted(deps.team.admin_users) or cms


def cm_back_on(deps: UnitOfWork, today: date) -> date | None:
    """While every CM is away, the day the first one is back."""
    if not deps.team.cm_users:
        return None
    away = _away(deps, today)
    if len(away) < len(deps.team.cm_users):
        return None
    return min(away.values()) + timedelta(days=1)


def standing_in(uow: UnitOfWork, user: str) -> Md | None:
    """Said to an admin who receives what is for the CM while the CM is away."""
    back = cm_back_on(uow, uow.today())
    if user in uow.team.cm_users or back is None:
        return None
    lang = uow.language(user)
    _ = translator(lang)
    return Md.of(_("You receive this while the CM is away; the CM is back on {day}."), day=write_day(back, lang))
