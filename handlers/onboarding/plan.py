"""`/cm onboarding`: the CM's first weeks, as a plan with target weeks counted from the
day it starts, owners, done/undone buttons, the Relais command that helps with each
step, and a progress bar. The CM edits it; a step past its week is nudged once.

The default steps follow how a CM should start in an association: learn its values,
history and how it works; audit its accounts; look at associations that do well;
meet the leaders and set up the news flow; present the role and agree its charter;
map the tensions and sensitive topics; draft the moderation and speaking charters
with the leaders; set up the weekly reporting of negative messages."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers.core.context import Request
from handlers.core.dates import write_day
from handlers.core.i18n import LANGUAGES, N_, translator
from handlers.core.messages import Button, Md, Message
from handlers.core.registry import CommandRun
from handlers.core.schedule import local_day
from handlers.core.tables import TeamState
from handlers.core.work import UnitOfWork
from handlers.onboarding.tables import OnboardingStep

START = "onboarding:start"
TITLE_MAX = 200
WEEKS_MAX = 52
CM, WITH_LEADERS = N_("the CM"), N_("the CM with the leaders")
DEFAULTS = (  # (week, owner, title, the command that helps)
    (1, CM, N_("Learn the association's values, history and how it works"), "/cm charter"),
    (1, CM, N_("Audit the association's existing accounts and pages"), ""),
    (2, CM, N_("Look at associations that do well on social networks"), "/cm tip"),
    (2, WITH_LEADERS, N_("Meet the leaders and set up the news flow"), "/news"),
    (3, WITH_LEADERS, N_("Present the role and agree the role charter"), "/cm role edit"),
    (3, WITH_LEADERS, N_("Map the tensions and the sensitive topics"), "/cm topics"),
    (4, WITH_LEADERS, N_("Draft the moderation charter and the speaking charter"), "/cm charter edit moderation"),
    (5, CM, N_("Set up the weekly reporting of negative messages"), "/cm log"),
)
BAR = 10
REFUSAL = N_("⛔ Only the CM and admins can change the plan. Nothing was changed.")


@cache
def _owners() -> dict[str, str]:
    """Owners are stored as their English msgid and said in each reader's language; plans
    started before were stored in the team's language: those words lead back to the msgid."""
    return {translator(lang)(o): o for lang in LANGUAGES for o in (CM, WITH_LEADERS)}


def last_day(start: date, step: OnboardingStep) -> date:
    """The last day of the step's target week; the day after, it is overdue."""
    return start + timedelta(weeks=step.week) - timedelta(days=1)


def _start(s: Session, uow: UnitOfWork) -> date:
    """The plan's first day: stored the first time anyone opens it, with the default steps
    written in the team's language."""
    state = s.get(TeamState, START)
    if state is not None:
        return date.fromisoformat(state.value)
    today = local_day(uow.clock(), uow.team.timezone)
    s.add(TeamState(key=START, value=today.isoformat()))
    _ = translator(uow.team.language)
    for i, (week, owner, title, command) in enumerate(DEFAULTS, 1):
        s.add(OnboardingStep(position=i, week=week, owner=owner, title=_(title), command=command))
    return today


def _plan(uow: UnitOfWork, lang: str, start: date, steps: list[OnboardingStep], *, editable: bool) -> Message:
    _ = translator(lang)
    today = local_day(uow.clock(), uow.team.timezone)
    done = sum(1 for st in steps if st.done_at)
    filled = round(BAR * done / len(steps)) if steps else 0
    bar = "▓" * filled + "░" * (BAR - filled)
    lines = [_step_line(st, n, start, today, lang) for n, st in enumerate(steps, 1)]
    buttons = [
        Button(
            "onboarding.undo" if st.done_at else "onboarding.done", ("↺ " if st.done_at else "✓ ") + str(n), str(st.id)
        )
        for n, st in enumerate(steps, 1)
    ]
    context = Md.of(
        _("Started on {day}. Edit: /cm onboarding add <week> <title>, rename N <title>, week N <week>, remove N.")
        if editable
        else _("Started on {day}."),
        day=write_day(start, lang),
    )
    return Message(
        title=_("🧭 The CM's first weeks"),
        text=Md.of(
            "{bar} {done}/{total}\n{lines}",
            bar=bar,
            done=done,
            total=len(steps),
            lines=Md.join(lines) if lines else Md.of(_("No step: add one with /cm onboarding add <week> <title>.")),
        ),
        context=context,
        actions=buttons if editable else [],
    )


def _step_line(st: OnboardingStep, n: int, start: date, today: date, lang: str) -> Md:
    """A step as the plan lists it: done or not, when it is due, whose, overdue, and the command that does it."""
    _ = translator(lang)
    due = last_day(start, st)
    line = Md.of(_("{box} {n}. {title} — week {week} ({due}) — {owner}"), box="☑" if st.done_at else "☐", n=n,
                 title=st.title, week=st.week, due=write_day(due, lang), owner=_(_owners().get(st.owner, st.owner)))  # fmt: skip
    if not st.done_at and today > due:
        line = Md.of("{l} — **{late}**", l=line, late=_("overdue"))
    if st.command and not st.done_at:
        line = Md.of("{l}\n    ↳ {c}", l=line, c=st.command)
    return line


def steps_of(s: Session) -> list[OnboardingStep]:
    """In the order they are due: by target week, then in the order they were written."""
    return list(
        s.scalars(select(OnboardingStep).order_by(OnboardingStep.week, OnboardingStep.position, OnboardingStep.id))
    )


def command(uow: UnitOfWork, req: Request, rest: str) -> None:
    """`/cm onboarding`: the plan; other words get the usage."""
    if rest:
        _ = translator(req.language)
        req.reply.reply(Message(text=Md.of(_(
            "Type /cm onboarding to see the plan; /cm onboarding add <week> <title>, rename N <title>, "
            "week N <week> or remove N to change it."))))  # fmt: skip
        return
    _show_or_edit(uow, req, "", "")


def editing(verb: str) -> CommandRun:
    """`/cm onboarding add|rename|week|remove …` (CM): the sub-command's own arguments."""

    def run(uow: UnitOfWork, req: Request, args: str) -> None:
        _show_or_edit(uow, req, verb, args)

    return run


def _show_or_edit(uow: UnitOfWork, req: Request, verb: str, args: str) -> None:
    problem = ""
    with uow.writing():
        s = uow.session
        start = _start(s, uow)
        steps = steps_of(s)
        if verb:
            problem = _edit(s, steps, verb, args, req.language)
            s.flush()
            steps = steps_of(s)
        plan = _plan(uow, req.language, start, steps, editable=req.cm)
    if problem:
        req.reply.reply(Message(text=Md.of("⚠️ {p}", p=problem)))
        return
    req.reply.reply(plan)


def _edit(s: Session, steps: list[OnboardingStep], verb: str, args: str, lang: str) -> str:
    """Change the plan; returns what is wrong with the request, if anything."""
    _ = translator(lang)
    head, _sep, tail = args.strip().partition(" ")
    tail = tail.strip()
    if verb == "add":
        if not head.isdigit() or not 1 <= int(head) <= WEEKS_MAX or not tail:
            return _("Type /cm onboarding add <week> <title>, e.g. /cm onboarding add 2 Meet the treasurer.")
        if len(tail) > TITLE_MAX:
            return _("A step's title has at most {n} characters.").format(n=TITLE_MAX)
        last = s.scalar(select(func.max(OnboardingStep.position))) or 0
        s.add(OnboardingStep(position=last + 1, week=int(head), owner=CM, title=tail, command=""))
        return ""
    if not head.isdigit() or not 1 <= int(head) <= len(steps):
        return _("No step has this number: /cm onboarding shows them, numbered 1 to {n}.").format(n=len(steps))
    step = steps[int(head) - 1]
    if verb == "remove":
        s.delete(step)
    elif verb == "rename":
        if not tail or len(tail) > TITLE_MAX:
            return _("Type /cm onboarding rename N <new title> ({n} characters at most).").format(n=TITLE_MAX)
        step.title = tail
    else:
        if not tail.isdigit() or not 1 <= int(tail) <= WEEKS_MAX:
            return _("Type /cm onboarding week N <week>, a week between 1 and {n}.").format(n=WEEKS_MAX)
        step.week = int(tail)
    return ""


def click(uow: UnitOfWork, req: Request, verb: str, value: str) -> None:
    with uow.writing():
        s = uow.session
        step = s.get(OnboardingStep, int(value)) if value.isdigit() else None
        if step is not None:
            step.done_at = uow.clock() if verb == "done" else None
            step.done_by = req.user_id if verb == "done" else None
        start = _start(s, uow)
        plan = _plan(uow, req.language, start, steps_of(s), editable=True)
    req.reply.reply(plan)


def progress(uow: UnitOfWork) -> tuple[int, int] | None:
    """(done, total) once the plan has started; for the home view."""
    with uow.reading() as s:
        if s.get(TeamState, START) is None:
            return None
        steps = steps_of(s)
    return sum(1 for st in steps if st.done_at), len(steps)
