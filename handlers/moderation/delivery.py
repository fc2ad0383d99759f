"""What the moderation log sends: each entry's card in the CM channel, posted
once, then updated in place when its handling changes or its author is erased."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.core.cards import show_card, where_posted
from handlers.core.registry import Outgoing, Owed, Sending, Sent
from handlers.core.work import UnitOfWork
from handlers.moderation.cards import entry_card, entry_history
from handlers.moderation.tables import ModerationEntry

KIND = "moderation"  # its cards in posted_cards


@dataclass(frozen=True)
class PostCard(Outgoing, kind="moderation.post"):
    """The entry's card in the CM channel (updated in place if it is there already)."""

    entry_id: int


@dataclass(frozen=True)
class UpdateCard(Outgoing, kind="moderation.update"):
    """The entry's card shown as it is now, where it was posted."""

    entry_id: int


def post_card(entry_id: int) -> Owed:
    return Owed(PostCard(entry_id), f"moderation:{entry_id}:post")


def update_card(entry_id: int, why: str) -> Owed:
    return Owed(UpdateCard(entry_id), f"moderation:{entry_id}:update:{why}")


def _entry_card(uow: UnitOfWork, entry_id: int, *, post: bool) -> Sent:
    with uow.reading() as s:
        entry = s.get(ModerationEntry, entry_id)
        assert entry is not None
        events = entry_history(s, entry.id)
        where = where_posted(s, KIND, entry.id)
    card = entry_card(entry, events, uow.team.language, uow.team.timezone)
    return show_card(uow, KIND, entry.id, card, where, post=post)


def send_post_card(uow: UnitOfWork, card: PostCard, _sending: Sending) -> Sent:
    return _entry_card(uow, card.entry_id, post=True)


def send_update_card(uow: UnitOfWork, card: UpdateCard, _sending: Sending) -> Sent:
    return _entry_card(uow, card.entry_id, post=False)
