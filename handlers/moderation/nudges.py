"""Negative messages still pending after MODERATION_REMINDER_HOURS: the CM (or the
admins while the CM is away) gets one DM a day saying how many, and the oldest
entries with their handling buttons. Keyed by the day it goes out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from handlers.core.i18n import N_, translator
from handlers.core.messages import Md, Message
from handlers.core.permissions import cm_inbox, standing_in
from handlers.core.registry import Outgoing, Owed, Sending, Sent, Setting
from handlers.core.schedule import local_day, whole_number
from handlers.core.work import UnitOfWork
from handlers.moderation.cards import entry_card, entry_history
from handlers.moderation.tables import ModerationEntry

CARDS_MAX = 5  # entries sent with their buttons in one nudge; the rest are counted
HOURS = Setting(
    "MODERATION_REMINDER_HOURS",
    "24",
    whole_number(1),
    N_("pending negative messages older than this many hours are recalled to the CM"),
)


@dataclass(frozen=True)
class Reminder(Outgoing, kind="moderation.reminder"):
    """To the CM (or who stands in): how many negative messages wait, then the oldest."""

    user: str


@dataclass(frozen=True)
class ReminderEntry(Outgoing, kind="moderation.reminder_entry"):
    """One waiting entry's card, with its handling buttons, by DM."""

    user: str
    entry: int


def watch(uow: UnitOfWork, when: datetime) -> None:
    """At every tick: entries pending too long make one reminder a day, in office hours."""
    team = uow.team
    if not _pending(uow, limit=1):
        return
    day_of = local_day(when, team.timezone)
    to_cm = cm_inbox(uow, local_day(uow.clock(), team.timezone))
    uow.queue(*(Owed(Reminder(u), f"moderation-reminder:{day_of}:{u}", due=when) for u in to_cm))


def _pending(uow: UnitOfWork, limit: int | None = None) -> list[ModerationEntry]:
    """Entries still pending after MODERATION_REMINDER_HOURS, oldest first."""
    since = uow.clock() - timedelta(hours=HOURS.of(uow.team))
    with uow.reading() as s:
        return list(
            s.scalars(
                select(ModerationEntry)
                .where(ModerationEntry.handling == "pending", ModerationEntry.seen_at <= since)
                .order_by(ModerationEntry.seen_at)
                .limit(limit)
            )
        )


def send_reminder(uow: UnitOfWork, reminder: Reminder, sending: Sending) -> Sent:
    """One DM saying how many, then one card per oldest entry, with its handling buttons."""
    user = reminder.user
    entries = _pending(uow)
    if not entries:
        return Sent()
    lang = uow.language(user)
    _ = translator(lang)
    text = _("{n} negative messages still pending for more than {hours} hours; each needs a handling:").format(
        n=len(entries), hours=HOURS.of(uow.team)
    )
    if len(entries) > CARDS_MAX:
        text += " " + _("the {k} oldest below; /cm log list open shows them all.").format(k=CARDS_MAX)
    uow.chat.dm(
        user, Message(title=_("🛡️ Negative messages to handle"), text=Md.of(text), context=standing_in(uow, user))
    )
    return Sent(more=tuple(Owed(ReminderEntry(user, e.id), f"{sending.key}:{e.id}") for e in entries[:CARDS_MAX]))


def send_entry_reminder(uow: UnitOfWork, reminder: ReminderEntry, _sending: Sending) -> None:
    user = reminder.user
    with uow.reading() as s:
        entry = s.get(ModerationEntry, reminder.entry)
        events = entry_history(s, reminder.entry)
    if entry is not None and entry.handling == "pending":
        uow.chat.dm(user, entry_card(entry, events, uow.language(user), uow.team.timezone))
