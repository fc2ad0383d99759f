"""`/cm onboarding`: the CM's first weeks, as a plan with target weeks counted from the
day it starts, owners, done/undone buttons, the Relais command that helps with each
step, and a progress bar. The CM edits it; a step past its week is nudged once.

The default steps follow how a CM should start in an association: learn its values,
history and how it works; audit its accounts; look at associations that do well;
meet the leaders and set up the news flow; present the role and agree its charter;
map the tensions and sensitive topics; draft the moderation and speaking charters
with the leaders; set up the weekly reporting of negative messages."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers.core import outbox
from handlers.core.context import Deps, Request
from handlers.core.i18n import LANGUAGES, N_, translator
from handlers.core.messages import Button, Md, Message
from handlers.core.permissions import cm_inbox, is_cm
from handlers.core.registry import FollowUp, Registry
from handlers.core.schedule import local_day, office_hours
from handlers.core.uow import UnitOfWork
from handlers.news.cards import day
from storage.models import OnboardingStep, Outbox, TeamState

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


def _last_day(start: date, step: OnboardingStep) -> date:
    """The last day of the step's target week; the day after, it is overdue."""
    return start + timedelta(weeks=step.week) - timedelta(days=1)


def _start(s: Session, deps: Deps) -> date:
    """The plan's first day: stored the first time anyone opens it, with the default steps
    written in the team's language."""
    state = s.get(TeamState, START)
    if state is not None:
        return date.fromisoformat(state.value)
    today = local_day(deps.clock(), deps.team.timezone)
    s.add(TeamState(key=START, value=today.isoformat()))
    _ = translator(deps.team.language)
    for i, (week, owner, title, command) in enumerate(DEFAULTS, 1):
        s.add(OnboardingStep(position=i, week=week, owner=owner, title=_(title), command=command))
    return today


def _plan(deps: Deps, lang: str, start: date, steps: list[OnboardingStep], editable: bool) -> Message:
    _ = translator(lang)
    today = local_day(deps.clock(), deps.team.timezone)
    done = sum(1 for st in steps if st.done_at)
    filled = round(BAR * done / len(steps)) if steps else 0
    bar = "▓" * filled + "░" * (BAR - filled)
    lines = []
    for n, st in enumerate(steps, 1):
        due = _last_day(start, st)
        late = not st.done_at and today > due
        line = Md.of(
            _("{box} {n}. {title} — week {week} ({due}) — {owner}"),
            box="☑" if st.done_at else "☐",
            n=n,
            title=st.title,
            week=st.week,
            due=day(due, lang),
            owner=_(_owners().get(st.owner, st.owner)),
        )
        if late:
            line = Md.of("{l} — **{late}**", l=line, late=_("overdue"))
        if st.command and not st.done_at:
            line = Md.of("{l}\n    ↳ {c}", l=line, c=st.command)
        lines.append(line)
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
        day=day(start, lang),
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


def _steps(s: Session) -> list[OnboardingStep]:
    """In the order they are due: by target week, then in the order they were written."""
    return list(
        s.scalars(select(OnboardingStep).order_by(OnboardingStep.week, OnboardingStep.position, OnboardingStep.id))
    )


def command(deps: Deps, req: Request, rest: str) -> None:
    _ = translator(req.language)
    words = rest.split(None, 1)
    verb = words[0].casefold() if words else ""
    editing = verb in ("add", "rename", "week", "remove", "ajouter", "renommer", "semaine", "retirer")
    if editing and not is_cm(deps, req.user_id):
        req.reply.reply(Message(text=Md.of(_(REFUSAL))))
        return
    if words and not editing:
        req.reply.reply(Message(text=Md.of(_(
            "Type /cm onboarding to see the plan; /cm onboarding add <week> <title>, rename N <title>, "
            "week N <week> or remove N to change it."))))  # fmt: skip
        return
    problem = ""
    with UnitOfWork(deps, req) as uow:
        s = uow.session
        start = _start(s, deps)
        steps = _steps(s)
        if editing:
            problem = _edit(s, steps, verb, words[1] if len(words) > 1 else "", req.language)
            s.flush()
            steps = _steps(s)
        plan = _plan(deps, req.language, start, steps, is_cm(deps, req.user_id))
    if problem:
        req.reply.reply(Message(text=Md.of("⚠️ {p}", p=problem)))
        return
    req.reply.reply(plan)


def _edit(s: Session, steps: list[OnboardingStep], verb: str, args: str, lang: str) -> str:
    """Change the plan; returns what is wrong with the request, if anything."""
    _ = translator(lang)
    head, _sep, tail = args.strip().partition(" ")
    tail = tail.strip()
    if verb in ("add", "ajouter"):
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
    if verb in ("remove", "retirer"):
        s.delete(step)
    elif verb in ("rename", "renommer"):
        if not tail or len(tail) > TITLE_MAX:
            return _("Type /cm onboarding rename N <new title> ({n} characters at most).").format(n=TITLE_MAX)
        step.title = tail
    else:
        if not tail.isdigit() or not 1 <= int(tail) <= WEEKS_MAX:
            return _("Type /cm onboarding week N <week>, a week between 1 and {n}.").format(n=WEEKS_MAX)
        step.week = int(tail)
    return ""


def click(deps: Deps, req: Request, verb: str, value: str) -> None:
    _ = translator(req.language)
    if not is_cm(deps, req.user_id):
        req.reply.reply(Message(text=Md.of(_(REFUSAL))))
        return
    with UnitOfWork(deps, req) as uow:
        s = uow.session
        step = s.get(OnboardingStep, int(value)) if value.isdigit() else None
        if step is not None:
            step.done_at = deps.clock() if verb == "done" else None
            step.done_by = req.user_id if verb == "done" else None
        start = _start(s, deps)
        plan = _plan(deps, req.language, start, _steps(s), True)
    req.reply.reply(plan)


def progress(deps: Deps) -> tuple[int, int] | None:
    """(done, total) once the plan has started; for the home view."""
    with deps.db() as s:
        if s.get(TeamState, START) is None:
            return None
        steps = _steps(s)
    return sum(1 for st in steps if st.done_at), len(steps)


def watch(deps: Deps) -> None:
    """A step past its target week and not done: the CM is nudged once."""
    now = deps.clock()
    today = local_day(now, deps.team.timezone)
    with deps.db() as s:
        state = s.get(TeamState, START)
        if state is None:
            return
        start = date.fromisoformat(state.value)
        late = [st for st in _steps(s) if not st.done_at and today > _last_day(start, st)]
    if not late:
        return
    when = office_hours(now, deps.team.timezone, deps.team.holidays_country)
    to_cm = cm_inbox(deps, today)
    rows: list[tuple[FollowUp, datetime]] = [
        (FollowUp("onboarding.nudge", {"step": st.id, "user": u}, f"onboarding-nudge:{st.id}:{u}"), when)
        for st in late
        for u in to_cm
    ]
    outbox.owe(deps, rows)


def _nudge(deps: Deps, row: Outbox) -> list[FollowUp]:
    user = row.payload["user"]
    with deps.db() as s:
        step = s.get(OnboardingStep, row.payload["step"])
    if step is None or step.done_at:
        return []
    _ = translator(deps.language(user))
    text = Md.of(
        _("The step “{title}” was planned for week {week} and is not done yet. /cm onboarding shows the plan."),
        title=step.title,
        week=step.week,
    )
    if step.command:
        text = Md.of("{t}\n↳ {c}", t=text, c=step.command)
    deps.chat.dm(user, Message(title=_("🧭 A step of the first weeks is overdue"), text=text,
                               actions=[Button("onboarding.done", _("Mark as done"), str(step.id), "primary")]))  # fmt: skip
    return []


def register(reg: Registry) -> None:
    reg.command("cm onboarding", command, N_("the plan for the CM's first weeks"), open_ended=True,
                aliases=("integration",))  # fmt: skip
    reg.button("onboarding", click)
    reg.deliverer("onboarding.nudge", _nudge)
    reg.watch(watch)
