"""The home view: Slack's App Home tab (published when the person opens it, and again
when something it shows changes), `/cm home` everywhere. For the CM: news by status,
negative messages to handle, onboarding progress, what is scheduled next, their
reminders, and whether the CM is away. For anyone else: their own news and a button
to send one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from handlers.core import owing
from handlers.core.context import Request, person
from handlers.core.dates import day
from handlers.core.i18n import N_, number, translator
from handlers.core.messages import Md, Message
from handlers.core.permissions import cm_back_on, is_cm
from handlers.core.registry import FollowUp, Registry
from handlers.core.schedule import local_day
from handlers.core.uow import UnitOfWork
from handlers.moderation.cards import OPEN
from handlers.news.cards import STATUS_ICONS, STATUSES, news_line
from handlers.news.submit import send_button
from handlers.onboarding.plan import START, progress
from handlers.reminders.rhythm import next_at
from storage.models import (
    ModerationEntry,
    ModerationEvent,
    News,
    NewsEvent,
    OnboardingStep,
    Outbox,
    Reminder,
    TeamState,
    User,
)

LIST_MAX = 5
PUBLISH = "home.publish"


def view(uow: UnitOfWork, user_id: str, lang: str) -> Message:
    _ = translator(lang)
    tz = uow.team.timezone
    now = uow.clock()
    today = local_day(now, tz)
    send = send_button(lang)
    with uow.reading() as s:
        if not is_cm(uow.team, user_id):  # what the view shows, not who may see it
            mine = list(
                s.scalars(select(News).where(News.author_id == user_id).order_by(News.id.desc()).limit(LIST_MAX * 2))
            )
            lines = [news_line(n, lang, tz) for n in mine] or [Md.of(_("You have not sent any news yet."))]
            return Message(
                title=_("🏠 Relais"),
                text=Md.of("**{h}**\n{l}", h=_("Your news"), l=Md.join(lines)),
                context=Md.of(_("Type /news to send one, /cm role to see what the CM does.")),
                actions=[send],
            )
        counts = {status: n for status, n in s.execute(select(News.status, func.count()).group_by(News.status))}
        to_handle = s.scalar(
            select(func.count()).select_from(ModerationEntry).where(ModerationEntry.handling.in_(OPEN))
        )
        scheduled = list(
            s.scalars(
                select(News)
                .where(News.status == "scheduled", News.scheduled_for >= today)
                .order_by(News.scheduled_for)
                .limit(LIST_MAX)
            )
        )
        reminders = list(s.scalars(select(Reminder).where(Reminder.owner_id == user_id, Reminder.deleted_at.is_(None))))
    by_status = " · ".join(f"{STATUS_ICONS[k]} {_(STATUSES[k])} {number(counts.get(k, 0), lang)}" for k in STATUSES)
    parts = [
        Md.of("**{h}**\n{v}", h=_("News"), v=by_status),
        Md.of(
            "**{h}**\n{v}",
            h=_("Negative messages"),
            v=_("{n} to handle (/cm log list open)").format(n=number(to_handle or 0, lang)),
        ),
    ]
    steps = progress(uow)
    if steps:
        parts.append(Md.of("**{h}**\n{v}", h=_("First weeks"), v=_("{done}/{total} steps done (/cm onboarding)").format(
            done=steps[0], total=steps[1])))  # fmt: skip
    upcoming = [
        Md.of("• {d} — {t}", d=day(n.scheduled_for, lang), t=n.title) for n in scheduled if n.scheduled_for
    ] or [Md.of(_("Nothing scheduled."))]
    parts.append(Md.of("**{h}**\n{l}", h=_("Scheduled next"), l=Md.join(upcoming)))
    due = sorted((at, r) for r in reminders if (at := next_at(r, uow, now)) is not None)[:LIST_MAX]
    if due:
        lines = [Md.of("• {d} — {t}", d=day(local_day(at, tz), lang), t=r.text.splitlines()[0][:80]) for at, r in due]
        parts.append(Md.of("**{h}**\n{l}", h=_("Your next reminders"), l=Md.join(lines)))
    back = cm_back_on(uow, today)
    away = (
        _("🏖️ The CM is away, back on {day}: what is for the CM goes to the admins.").format(day=day(back, lang))
        if back
        else ""
    )
    return Message(
        title=_("🏠 Relais — the CM's desk"),
        text=Md.join(parts, sep="\n\n"),
        context=Md.of("{a}", a=away) if away else None,
        actions=[send],
    )


def show(uow: UnitOfWork, req: Request, _rest: str) -> None:
    req.reply.reply(view(uow, req.user_id, req.language))


def opened(uow: UnitOfWork, req: Request) -> None:
    """Slack's App Home was opened: remember the person sees it, and publish it."""
    with uow.writing():
        user = person(uow.session, req.user_id)
        if user.home_seen_at is None:
            user.home_seen_at = uow.clock()
        uow.send(FollowUp(PUBLISH, {"user": req.user_id}, f"home:{req.user_id}:open:{req.inbox_id or uow.clock()}"))


def _version(uow: UnitOfWork) -> str:
    """What the home views show, in a few numbers: when it moves, they are published again."""
    with uow.reading() as s:
        parts = [
            s.scalar(select(func.max(News.id))),
            s.scalar(select(func.max(NewsEvent.id))),
            s.scalar(select(func.max(ModerationEntry.id))),
            s.scalar(select(func.max(ModerationEvent.id))),
            s.scalar(select(func.max(Reminder.id))),
            s.scalar(select(func.count()).select_from(Reminder).where(Reminder.deleted_at.is_not(None))),
            s.scalar(select(func.max(User.away_until))),
            s.scalar(select(func.count()).select_from(User).where(User.away_until.is_not(None))),
            s.scalar(select(TeamState.value).where(TeamState.key == START)),
        ]
        parts.append(
            s.scalar(select(func.count()).select_from(OnboardingStep).where(OnboardingStep.done_at.is_not(None)))
        )
        parts.append(s.scalar(select(func.count()).select_from(OnboardingStep)))
    return ".".join(str(p or 0) for p in parts)


def watch(uow: UnitOfWork) -> None:
    """Publish again the home of everyone who opened it, once per change of what it shows."""
    with uow.reading() as s:
        viewers = list(s.scalars(select(User.platform_id).where(User.home_seen_at.is_not(None))))
    if not viewers:
        return
    version = _version(uow)
    now = uow.clock()
    rows: list[tuple[FollowUp, datetime]] = [
        (FollowUp(PUBLISH, {"user": u}, f"home:{u}:{version}"), now) for u in viewers
    ]
    owing.owe(uow, rows)


def _publish(uow: UnitOfWork, row: Outbox) -> list[FollowUp]:
    user = row.payload["user"]
    uow.chat.publish_home(user, view(uow, user, uow.language(user)))
    return []


def register(reg: Registry) -> None:
    reg.command("cm home", show, N_("your summary: news, negative messages, first weeks, what comes next"),
                aliases=("accueil",))  # fmt: skip
    reg.deliverer(PUBLISH, _publish)
    reg.watch(watch)
    reg.home(opened)
