"""Each live reminder's occurrences, owed as keyed outbox rows and delivered to
whoever it is for (its owner, a person, a channel)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from handlers.core.i18n import translator
from handlers.core.messages import Md, Message, UserRef
from handlers.core.permissions import cm_inbox, standing_in
from handlers.core.registry import Outgoing, Owed, Sending
from handlers.core.schedule import GRACE, last_due, local_day
from handlers.core.work import UnitOfWork
from handlers.reminders.rhythm import trigger
from handlers.reminders.tables import Reminder


@dataclass(frozen=True)
class Remind(Outgoing, kind="reminders.personal"):
    """One occurrence of a reminder, to whoever it is for."""

    id: int


def watch(uow: UnitOfWork, now: datetime) -> None:
    """Each live reminder's latest occurrence up to now, keyed by the day it goes out."""
    owed = []
    with uow.reading() as s:
        live = list(s.scalars(select(Reminder).where(Reminder.deleted_at.is_(None))))
    for r in live:
        moment = last_due(
            trigger(r, uow), now, uow.team.timezone, grace=GRACE, holidays_country=uow.team.holidays_country
        )
        if moment is None:
            continue
        owed.append(Owed(Remind(r.id), f"remind:{r.id}:{local_day(moment, uow.team.timezone)}", due=moment))
    uow.queue(*owed)


def deliver(uow: UnitOfWork, remind: Remind, _sending: Sending) -> None:
    with uow.reading() as s:
        r = s.get(Reminder, remind.id)
    if r is None or r.deleted_at is not None:
        return
    lang = uow.language(r.target_id) if r.target != "channel" else uow.team.language
    _ = translator(lang)
    if r.target == "me":
        message = Message(title=_("⏰ Reminder"), text=Md.text(r.text), fallback=_("Reminder"))
        uow.chat.dm(r.owner_id, message)
        return
    text = Md.of(_("From {who}:") + "\n{t}", who=UserRef(r.owner_id), t=r.text)
    message = Message(title=_("⏰ Reminder"), text=text, fallback=_("Reminder"))
    if r.target != "person":
        uow.chat.post(r.target_id, message)
        return
    receivers = cm_inbox(uow, uow.today()) if r.target_id in uow.team.cm_users else [r.target_id]
    if r.target_id in receivers:
        uow.chat.dm(r.target_id, message)
    else:
        _for_an_away_cm(uow, r, receivers)


def _for_an_away_cm(uow: UnitOfWork, r: Reminder, receivers: list[str]) -> None:
    """A reminder someone set for a CM who is away goes where the CM's mail goes meanwhile
    (another CM, else the admins), as `/cm away` promised, saying who it was for."""
    for user in receivers:
        _ = translator(uow.language(user))
        text = Md.of(_("From {who}, for {cm}, who is away:") + "\n{t}", who=UserRef(r.owner_id),
                     cm=UserRef(r.target_id), t=r.text)  # fmt: skip
        note = standing_in(uow, user)
        uow.chat.dm(user, Message(title=_("⏰ Reminder"), text=Md.join([text, note]) if note else text,
                                  fallback=_("Reminder")))  # fmt: skip
