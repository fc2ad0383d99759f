"""What the moderation log sends: each entry's card in the CM channel, posted
once, then updated in place when its handling changes or its author is erased."""

from __future__ import annotations

from handlers.core.cards import posted, where_posted
from handlers.core.registry import FollowUp, Registry
from handlers.core.uow import UnitOfWork
from handlers.moderation.cards import entry_card, entry_history
from storage.models import Base, ModerationEntry, Outbox

KIND = "moderation"  # its cards in posted_cards
POST, UPDATE = "moderation.post", "moderation.update"


def post_card(entry_id: int) -> FollowUp:
    return FollowUp(POST, {"entry_id": entry_id}, f"moderation:{entry_id}:post")


def update_card(entry_id: int, why: str) -> FollowUp:
    return FollowUp(UPDATE, {"entry_id": entry_id}, f"moderation:{entry_id}:update:{why}")


def _entry_card(uow: UnitOfWork, row: Outbox) -> list[Base]:
    """Post a moderation entry's card to the CM channel, or update it where it already is."""
    with uow.reading() as s:
        entry = s.get(ModerationEntry, row.payload["entry_id"])
        assert entry is not None
        events = entry_history(s, entry.id)
        where = where_posted(s, KIND, entry.id)
    card = entry_card(entry, events, uow.team.language, uow.team.timezone)
    if where is not None:
        uow.chat.update(where, card)
    elif row.kind == POST:  # where it is, kept in the same transaction as "delivered"
        return [posted(KIND, entry.id, uow.chat.post(uow.team.queue_channel, card))]
    return []


def register(reg: Registry) -> None:
    reg.deliverer(POST, _entry_card)
    reg.deliverer(UPDATE, _entry_card)
