"""Who may triage: the CMs and the admins named in the settings."""

from __future__ import annotations

from handlers.core.context import Deps


def is_cm(deps: Deps, user_id: str) -> bool:
    return user_id in deps.team.cm_users or user_id in deps.team.admin_users


def is_admin(deps: Deps, user_id: str) -> bool:
    return user_id in deps.team.admin_users
