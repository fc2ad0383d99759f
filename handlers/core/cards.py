"""Where each card was posted, remembered one way for every feature: a row per
(kind, item) in `posted_cards`, added in the transaction that marks its delivery
done, so a card is posted once and updated in place afterwards."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.core.ports import MessageRef
from storage.models import PostedCard


def where_posted(session: Session, kind: str, item_id: int) -> MessageRef | None:
    card = session.get(PostedCard, (kind, item_id))
    return MessageRef(card.channel, card.message_id) if card else None


def posted(kind: str, item_id: int, ref: MessageRef) -> PostedCard:
    """The row to keep with the delivery that posted the card (a Deliver returns it)."""
    return PostedCard(kind=kind, item_id=item_id, channel=ref.channel, message_id=ref.message_id)


def posted_among(session: Session, kind: str, ids: Iterable[int]) -> list[int]:
    """Which of these items have a card somewhere."""
    wanted = list(ids)
    return list(
        session.scalars(select(PostedCard.item_id).where(PostedCard.kind == kind, PostedCard.item_id.in_(wanted)))
    )
