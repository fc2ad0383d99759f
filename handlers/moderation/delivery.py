"""What the moderation log sends: each entry's card in the CM channel, posted
once, then updated in place when its handling changes or its author is erased."""

from __future__ import annotations

from sqlalchemy import update

from handlers.core.ports import MessageRef
from handlers.core.registry import FollowUp, Registry
from handlers.core.uow import UnitOfWork
from handlers.moderation.cards import entry_card, entry_history
from storage.models import ModerationEntry, Outbox

POST, UPDATE = "moderation.post", "moderation.update"


def post_card(entry_id: int) -> FollowUp:
    return FollowUp(POST, {"entry_id": entry_id}, f"moderation:{entry_id}:post")


def update_card(entry_id: int, why: str) -> FollowUp:
    return FollowUp(UPDATE, {"entry_id": entry_id}, f"moderation:{entry_id}:update:{why}")


def _entry_card(uow: UnitOfWork, row: Outbox) -> list[FollowUp]:
    """Post a moderation entry's card to the CM channel, or update it where it already is."""
    with uow.reading() as s:
        entry = s.get(ModerationEntry, row.payload["entry_id"])
        assert entry is not None
        events = entry_history(s, entry.id)
    card = entry_card(entry, events, uow.team.language, uow.team.timezone)
    if entry.queue_message_id and entry.queue_channel:
        uow.chat.update(MessageRef(entry.queue_channel, entry.queue_message_id), card)
    elif row.kind == POST:
        ref = uow.chat.post(uow.team.queue_channel, card)
        with uow.writing() as s:
            s.execute(
                update(ModerationEntry)
                .where(ModerationEntry.id == entry.id)
                .values(queue_channel=ref.channel, queue_message_id=ref.message_id)
            )
    return []


def register(reg: Registry) -> None:
    reg.deliverer(POST, _entry_card)
    reg.deliverer(UPDATE, _entry_card)
