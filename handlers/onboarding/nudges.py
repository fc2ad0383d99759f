"""A step of the first weeks past its target week and not done: the CM (or the
admins while the CM is away) is nudged once, by DM, with a button to mark it done."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from handlers.core.i18n import translator
from handlers.core.messages import Button, Md, Message
from handlers.core.permissions import cm_inbox
from handlers.core.registry import Outgoing, Owed, Sending
from handlers.core.schedule import local_day
from handlers.core.tables import TeamState
from handlers.core.work import UnitOfWork
from handlers.onboarding.plan import START, last_day, steps_of
from handlers.onboarding.tables import OnboardingStep


@dataclass(frozen=True)
class Nudge(Outgoing, kind="onboarding.nudge"):
    """To the CM (or who stands in): a step of the plan is overdue."""

    step: int
    user: str


def watch(uow: UnitOfWork, when: datetime) -> None:
    """A step past its target week and not done: the CM is nudged once, `when` (office hours)."""
    today = local_day(uow.clock(), uow.team.timezone)
    with uow.reading() as s:
        state = s.get(TeamState, START)
        if state is None:
            return
        start = date.fromisoformat(state.value)
        late = [st for st in steps_of(s) if not st.done_at and today > last_day(start, st)]
    if not late:
        return
    to_cm = cm_inbox(uow, today)
    uow.queue(*(Owed(Nudge(st.id, u), f"onboarding-nudge:{st.id}:{u}", due=when) for st in late for u in to_cm))


def nudge(uow: UnitOfWork, sent: Nudge, _sending: Sending) -> None:
    user = sent.user
    with uow.reading() as s:
        step = s.get(OnboardingStep, sent.step)
    if step is None or step.done_at:
        return
    _ = translator(uow.language(user))
    text = Md.of(
        _("The step “{title}” was planned for week {week} and is not done yet. /cm onboarding shows the plan."),
        title=step.title,
        week=step.week,
    )
    if step.command:
        text = Md.of("{t}\n↳ {c}", t=text, c=step.command)
    uow.chat.dm(user, Message(title=_("🧭 A step of the first weeks is overdue"), text=text,
                               actions=[Button("onboarding.done", _("Mark as done"), str(step.id), "primary")]))  # fmt: skip
