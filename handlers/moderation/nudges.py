"""Negative messages still pending after MODERATION_REMINDER_HOURS: the CM (or the
admins while the CM is away) gets one DM a day saying how many, and the oldest
entries with their handling buttons. Keyed by the day it goes out."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from handlers.core import owing
from handlers.core.i18n import N_, translator
from handlers.core.messages import Md, Message
from handlers.core.permissions import cm_inbox, standing_in
from handlers.core.registry import FollowUp, Registry, Setting
from handlers.core.schedule import local_day, office_hours, whole_number
from handlers.core.uow import UnitOfWork
from handlers.moderation.cards import entry_card, entry_history
from storage.models import ModerationEntry, Outbox

CARDS_MAX = 5  # entries sent with their buttons in one nudge; the rest are counted
HOURS = Setting(
    "MODERATION_REMINDER_HOURS",
    "24",
    whole_number(1),
    N_("pending negative messages older than this many hours are recalled to the CM"),
)


def watch(uow: UnitOfWork) -> None:
    now = uow.clock()
    team = uow.team
    if not _pending(uow, limit=1):
        return
    when = office_hours(now, team.timezone, team.holidays_country)
    day_of = local_day(when, team.timezone)
    rows: list[tuple[FollowUp, datetime]] = [
        (FollowUp("moderation.reminder", {"user": u}, f"moderation-reminder:{day_of}:{u}"), when)
        for u in cm_inbox(uow, local_day(now, team.timezone))
    ]
    owing.owe(uow, rows)


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


def _moderation(uow: UnitOfWork, row: Outbox) -> list[FollowUp]:
    """One DM saying how many, then one card per oldest entry, with its handling buttons."""
    user = row.payload["user"]
    entries = _pending(uow)
    if not entries:
        return []
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
    return [
        FollowUp("moderation.reminder_entry", {"user": user, "entry": e.id}, f"{row.dedupe_key}:{e.id}")
        for e in entries[:CARDS_MAX]
    ]


def _entry(uow: UnitOfWork, row: Outbox) -> list[FollowUp]:
    user = row.payload["user"]
    with uow.reading() as s:
        entry = s.get(ModerationEntry, row.payload["entry"])
        events = entry_history(s, row.payload["entry"])
    if entry is not None and entry.handling == "pending":
        uow.chat.dm(user, entry_card(entry, events, uow.language(user), uow.team.timezone))
    return []


def register(reg: Registry) -> None:
    reg.setting(HOURS)
    reg.watch(watch)
    reg.deliverer("moderation.reminder", _moderation)
    reg.deliverer("moderation.reminder_entry", _entry)
