"""What the news feature sends, as outbox messages: the queue card (posted, then
updated in place), the submitter's DMs, and their answers in the card's thread.
Messages hold ids, so a late delivery shows the item as it is then."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, joinedload

from handlers.core.cards import show_card, where_posted
from handlers.core.i18n import translator
from handlers.core.messages import Md, Message
from handlers.core.ports import MessageRef
from handlers.core.registry import Outgoing, Owed, Sending, Sent
from handlers.core.work import UnitOfWork
from handlers.news.cards import queue_message, status_dm
from handlers.news.tables import News, NewsEvent
from handlers.topics.sensitive import all_topics, matches

KIND = "news"  # its cards in posted_cards


@dataclass(frozen=True)
class PostCard(Outgoing, kind="news.post"):
    """The item's card in the CM queue channel (updated in place if it is there already)."""

    news_id: int


@dataclass(frozen=True)
class UpdateCard(Outgoing, kind="news.update"):
    """The item's card shown as it is now, where it was posted."""

    news_id: int


@dataclass(frozen=True)
class StatusDm(Outgoing, kind="news.status_dm"):
    """The submitter told of a decision."""

    event_id: int


@dataclass(frozen=True)
class QueueAnswer(Outgoing, kind="news.queue_answer"):
    """The submitter's answer, in the card's thread."""

    event_id: int


@dataclass(frozen=True)
class DeliveredDm(Outgoing, kind="news.delivered_dm"):
    """The submitter told the card reached the CM at last (they were told it was only saved)."""

    news_id: int


def post_card(news_id: int) -> Owed:
    return Owed(PostCard(news_id), f"news:{news_id}:post")


def after_change(news_id: int, event_id: int, *, answer: bool) -> list[Owed]:
    """A decision updates the card and DMs the submitter; an answer goes to the card's thread."""
    told = (
        Owed(QueueAnswer(event_id), f"news:{news_id}:answer:{event_id}")
        if answer
        else Owed(StatusDm(event_id), f"news:{news_id}:dm:{event_id}")
    )
    return [Owed(UpdateCard(news_id), f"news:{news_id}:update:{event_id}"), told]


def _news(s: Session, news_id: int) -> tuple[News, list[str]]:
    """The item and the sensitive topics its text touches now."""
    news = s.get(News, news_id, options=[joinedload(News.events)])  # one query, history included
    assert news is not None
    return news, matches(f"{news.title}\n{news.body}", all_topics(s))


def _card(uow: UnitOfWork, news_id: int) -> tuple[Message, MessageRef | None]:
    """The item's card, and where it is posted (if it is), read in one transaction."""
    with uow.reading() as s:
        news, topics = _news(s, news_id)
        where = where_posted(s, KIND, news_id)
    return queue_message(news, uow.team.language, uow.team.timezone, topics), where


def send_post_card(uow: UnitOfWork, post: PostCard, sending: Sending) -> Sent:
    sent = show_card(uow, KIND, post.news_id, *_card(uow, post.news_id))
    if sent.cards and sending.attempts:  # a late delivery: the submitter was told it was only saved
        return sent + Sent(more=(Owed(DeliveredDm(post.news_id), f"news:{post.news_id}:delivered"),))
    return sent


def send_update_card(uow: UnitOfWork, update: UpdateCard, _sending: Sending) -> Sent:
    return show_card(uow, KIND, update.news_id, *_card(uow, update.news_id), post=False)


def _event(uow: UnitOfWork, event_id: int) -> tuple[NewsEvent, News, MessageRef | None]:
    with uow.reading() as s:
        event = s.get(NewsEvent, event_id)
        assert event is not None
        return event, event.news, where_posted(s, KIND, event.news_id)


def send_status_dm(uow: UnitOfWork, dm: StatusDm, _sending: Sending) -> None:
    event, news, _card = _event(uow, dm.event_id)
    uow.chat.dm(news.author_id, status_dm(news, event, uow.language(news.author_id)))


def send_queue_answer(uow: UnitOfWork, answer: QueueAnswer, _sending: Sending) -> None:
    """The submitter's answer, as a reply in the queue item's thread, so the CM is notified."""
    event, news, card = _event(uow, answer.event_id)
    if card is None:
        return
    _ = translator(uow.team.language)
    text = Md.of(_("💬 Answer from the submitter about “{title}”:\n> {note}"), title=news.title, note=event.note)
    said = Message(text=text, fallback=_("New answer about: {title}").format(title=news.title))
    uow.chat.post(card.channel, said, thread=card)


def send_delivered_dm(uow: UnitOfWork, dm: DeliveredDm, _sending: Sending) -> None:
    with uow.reading() as s:
        news, _topics = _news(s, dm.news_id)
    _ = translator(uow.language(news.author_id))
    text = Md.of(_("📬 Your news “{title}” has now reached the CM."), title=news.title)
    uow.chat.dm(news.author_id, Message(text=text, fallback=_("Your news has reached the CM.")))
