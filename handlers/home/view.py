"""The home view: Slack's App Home tab (published when the person opens it, and again
when something it shows changes), `/cm home` everywhere. For the CM: news by status,
negative messages to handle, onboarding progress, what is scheduled next, their
reminders, and whether the CM is away. For anyone else: their own news and a button
to send one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from handlers.core.context import Request, person
from handlers.core.dates import write_day
from handlers.core.i18n import translator
from handlers.core.messages import Button, Md, Message
from handlers.core.permissions import cm_back_on, is_cm
from handlers.core.registry import HomePart, Outgoing, Owed
from handlers.core.tables import User
from handlers.core.work import UnitOfWork


@dataclass(frozen=True)
class Publish(Outgoing, kind="home.publish"):
    """One person's home view, published as it is when it goes out."""

    user: str


def view(uow: UnitOfWork, parts: Sequence[HomePart], user_id: str, lang: str) -> Message:
    """The parts the features show, in their order; for the CM, whether the CM is away."""
    _ = translator(lang)
    cm = is_cm(uow.team, user_id)  # what the view shows, not who may see it
    shown = [part for p in parts if (part := p.show(uow, user_id, lang, cm)) is not None]
    actions: list[Button] = []
    for _text, buttons in shown:
        actions += [b for b in buttons if b.action_id not in {a.action_id for a in actions}]
    text = Md.join([md for md, _buttons in shown], sep="\n\n")
    if not cm:
        context = Md.of(_("Type /news to send one, /cm role to see what the CM does."))
        return Message(title=_("🏠 Relais"), text=text, context=context, actions=actions)
    back = cm_back_on(uow, uow.today())
    away = _("🏖️ The CM is away, back on {day}: what is for the CM goes to the admins.") if back else ""
    return Message(
        title=_("🏠 Relais — the CM's desk"),
        text=text,
        context=Md.of(away, day=write_day(back, lang)) if back else None,
        actions=actions,
    )


def show(uow: UnitOfWork, req: Request, parts: Sequence[HomePart]) -> None:
    req.reply.reply(view(uow, parts, req.user_id, req.language))


def opened(uow: UnitOfWork, req: Request) -> None:
    """Slack's App Home was opened: remember the person sees it, and publish it."""
    with uow.writing():
        user = person(uow.session, req.user_id)
        if user.home_seen_at is None:
            user.home_seen_at = uow.clock()
        uow.queue(Owed(Publish(req.user_id), f"home:{req.user_id}:open:{req.inbox_id or uow.clock()}"))


def _version(uow: UnitOfWork, parts: Sequence[HomePart]) -> str:
    """What the home views show, in a few numbers: when it moves, they are published again."""
    with uow.reading() as s:
        away = s.scalar(select(func.max(User.away_until)))
        aways = s.scalar(select(func.count()).select_from(User).where(User.away_until.is_not(None)))
    return ".".join([*(p.version(uow) for p in parts), str(away or 0), str(aways or 0)])


def watch(uow: UnitOfWork, parts: Sequence[HomePart]) -> None:
    """Publish again the home of everyone who opened it, once per change of what it shows."""
    with uow.reading() as s:
        viewers = list(s.scalars(select(User.platform_id).where(User.home_seen_at.is_not(None))))
    if not viewers:
        return
    version = _version(uow, parts)
    uow.queue(*(Owed(Publish(u), f"home:{u}:{version}") for u in viewers))


def publish_home(uow: UnitOfWork, publish: Publish, parts: Sequence[HomePart]) -> None:
    uow.chat.publish_home(publish.user, view(uow, parts, publish.user, uow.language(publish.user)))
