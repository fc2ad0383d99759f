"""What the news feature sends, as outbox rows: the queue card (posted, then
updated in place), the submitter's DMs, and their answers in the card's thread.
Payloads hold ids, so a late delivery shows the item as it is then."""

from __future__ import annotations

from sqlalchemy.orm import Session, joinedload

from handlers.core.cards import posted, where_posted
from handlers.core.i18n import translator
from handlers.core.messages import Md, Message
from handlers.core.ports import MessageRef
from handlers.core.registry import FollowUp, Registry
from handlers.core.uow import UnitOfWork
from handlers.news.cards import queue_message, status_dm
from handlers.topics.sensitive import all_topics, matches
from storage.models import Base, News, NewsEvent, Outbox

KIND = "news"  # its cards in posted_cards
POST, UPDATE, STATUS_DM, ANSWER, DELIVERED_DM = (
    "news.post",
    "news.update",
    "news.status_dm",
    "news.queue_answer",
    "news.delivered_dm",
)


def post_card(news_id: int) -> FollowUp:
    return FollowUp(POST, {"news_id": news_id}, f"news:{news_id}:post")


def after_change(news_id: int, event_id: int, *, answer: bool) -> list[FollowUp]:
    """A decision updates the card and DMs the submitter; an answer goes to the card's thread."""
    told = (
        FollowUp(ANSWER, {"event_id": event_id}, f"news:{news_id}:answer:{event_id}")
        if answer
        else FollowUp(STATUS_DM, {"event_id": event_id}, f"news:{news_id}:dm:{event_id}")
    )
    return [FollowUp(UPDATE, {"news_id": news_id}, f"news:{news_id}:update:{event_id}"), told]


def _news(s: Session, news_id: int) -> tuple[News, list[str]]:
    """The item and the sensitive topics its text touches now."""
    news = s.get(News, news_id, options=[joinedload(News.events)])  # one query, history included
    assert news is not None
    return news, matches(f"{news.title}\n{news.body}", all_topics(s))


def _queue_post(uow: UnitOfWork, row: Outbox) -> list[FollowUp | Base]:
    with uow.reading() as s:
        news, topics = _news(s, row.payload["news_id"])
        card = where_posted(s, KIND, news.id)
    message = queue_message(news, uow.team.language, uow.team.timezone, topics)
    if card is not None:
        uow.chat.update(card, message)
        return []
    ref = uow.chat.post(uow.team.queue_channel, message)
    # Where the card is, kept in the same transaction as "delivered".
    done: list[FollowUp | Base] = [posted(KIND, news.id, ref)]
    # A late delivery: the submitter was told it was only saved, so tell them now.
    if row.attempts:
        done.append(FollowUp(DELIVERED_DM, {"news_id": news.id}, f"news:{news.id}:delivered"))
    return done


def _queue_update(uow: UnitOfWork, row: Outbox) -> list[FollowUp]:
    with uow.reading() as s:
        news, topics = _news(s, row.payload["news_id"])
        card = where_posted(s, KIND, news.id)
    if card is not None:  # otherwise the pending queue post will show the news as it is
        uow.chat.update(card, queue_message(news, uow.team.language, uow.team.timezone, topics))
    return []


def _event(uow: UnitOfWork, row: Outbox) -> tuple[NewsEvent, News, MessageRef | None]:
    with uow.reading() as s:
        event = s.get(NewsEvent, row.payload["event_id"])
        assert event is not None
        return event, event.news, where_posted(s, KIND, event.news_id)


def _status_dm(uow: UnitOfWork, row: Outbox) -> list[FollowUp]:
    event, news, _card = _event(uow, row)
    uow.chat.dm(news.author_id, status_dm(news, event, uow.language(news.author_id)))
    return []


def _queue_answer(uow: UnitOfWork, row: Outbox) -> list[FollowUp]:
    """The submitter's answer, as a reply in the queue item's thread, so the CM is notified."""
    event, news, card = _event(uow, row)
    if card is None:
        return []
    _ = translator(uow.team.language)
    text = Md.of(_("💬 Answer from the submitter about “{title}”:\n> {note}"), title=news.title, note=event.note)
    said = Message(text=text, fallback=_("New answer about: {title}").format(title=news.title))
    uow.chat.post(card.channel, said, thread=card)
    return []


def _delivered_dm(uow: UnitOfWork, row: Outbox) -> list[FollowUp]:
    with uow.reading() as s:
        news, _topics = _news(s, row.payload["news_id"])
    _ = translator(uow.language(news.author_id))
    text = Md.of(_("📬 Your news “{title}” has now reached the CM."), title=news.title)
    uow.chat.dm(news.author_id, Message(text=text, fallback=_("Your news has reached the CM.")))
    return []


def register(reg: Registry) -> None:
    reg.deliverer(POST, _queue_post)
    reg.deliverer(UPDATE, _queue_update)
    reg.deliverer(STATUS_DM, _status_dm)
    reg.deliverer(ANSWER, _queue_answer)
    reg.deliverer(DELIVERED_DM, _delivered_dm)
