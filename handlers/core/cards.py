"""Where each card was posted, remembered one way for every feature: a row per
(kind, item) in `posted_cards`, added in the transaction that marks its delivery
done, so a card is posted once and updated in place afterwards (`show_card`)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.core.messages import Message
from handlers.core.outgoing import CardAt, Sent
from handlers.core.ports import MessageRef
from handlers.core.tables import PostedCard
from handlers.core.work import UnitOfWork


def where_posted(session: Session, kind: str, item_id: int) -> MessageRef | None:
    card = session.get(PostedCard, (kind, item_id))
    return MessageRef(card.channel, card.message_id) if card else None


def show_card(
    uow: UnitOfWork,
    kind: str,
    item_id: int,
    card: Message,
    where: MessageRef | None,
    *,
    post: bool = True,
    channel: str = "",
) -> Sent:
    """The item's card updated `where` it is (read with `where_posted` in the transaction
    that read the card); else posted in `channel` (the CM queue channel by default), and where
    it went handed back for the outbox to keep with the delivery. With `post=False` an
    item with no card yet is left alone (its pending post will show it as it is then)."""
    if where is not None:
        uow.chat.update(where, card)
        return Sent()
    if not post:
        return Sent()
    return Sent(cards=(CardAt(kind, item_id, uow.chat.post(channel or uow.team.queue_channel, card)),))


def posted_among(session: Session, kind: str, ids: Iterable[int]) -> list[int]:
    """Which of these items have a card somewhere."""
    wanted = list(ids)
    return list(
        session.scalars(select(PostedCard.item_id).where(PostedCard.kind == kind, PostedCard.item_id.in_(wanted)))
    )
