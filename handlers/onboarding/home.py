"""The first weeks' progress, in the CM's home view."""

from __future__ import annotations

from sqlalchemy import func, select

from handlers.core.i18n import translator
from handlers.core.messages import Button, Md
from handlers.core.tables import TeamState
from handlers.core.work import UnitOfWork
from handlers.onboarding.plan import START, progress
from handlers.onboarding.tables import OnboardingStep


def show_progress(uow: UnitOfWork, user_id: str, lang: str, cm: bool) -> tuple[Md, list[Button]] | None:
    steps = progress(uow) if cm else None
    if not steps:
        return None
    _ = translator(lang)
    said = _("{done}/{total} steps done (/cm onboarding)").format(done=steps[0], total=steps[1])
    return Md.of("**{h}**\n{v}", h=_("First weeks"), v=said), []


def progress_version(uow: UnitOfWork) -> str:
    with uow.reading() as s:
        start = s.scalar(select(TeamState.value).where(TeamState.key == START))
        done = s.scalar(select(func.count()).select_from(OnboardingStep).where(OnboardingStep.done_at.is_not(None)))
        total = s.scalar(select(func.count()).select_from(OnboardingStep))
    return f"{start or 0}.{done or 0}.{total or 0}"
