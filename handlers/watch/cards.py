"""A thread's card: the post it answers (or its source's hour), how many items it holds
and how they were triaged, and the first ones still to triage, each with its two
buttons. One card per thread, updated in place: 300 replies are one card."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.core.cards import show_card
from handlers.core.dates import write_moment
from handlers.core.i18n import translator
from handlers.core.messages import Button, Md, Message
from handlers.core.registry import Sending, Sent
from handlers.core.text import shorten
from handlers.core.work import UnitOfWork
from handlers.moderation.cards import OPEN, handling_buttons, handling_label, network_label
from handlers.moderation.tables import ModerationEntry
from handlers.watch.collect import ThreadCard
from handlers.watch.sources import CHANNEL
from handlers.watch.tables import WatchItem, WatchThread

SHOWN = 5  # items with their buttons on a card; the rest are counted
LOGGED_SHOWN = 2  # the newest entries still open, with the log's handling buttons
TEXT_SHOWN = 300  # characters of an item's text on the card; its link leads to the whole


def send_card(uow: UnitOfWork, message: ThreadCard, _sending: Sending) -> Sent:
    """The card as the thread stands now. One owed for a page whose thread has grown since
    is not sent: the page that grew it owed a later card, which shows everything."""
    with uow.reading() as s:
        thread = s.get(WatchThread, message.thread_id)
        if message.newest and _grown_since(s, message):
            return Sent()
        items = list(s.scalars(select(WatchItem).where(WatchItem.thread_id == message.thread_id)
                               .order_by(WatchItem.posted_at, WatchItem.id)))  # fmt: skip
        logged = {e.id: e for e in s.scalars(select(ModerationEntry).where(
            ModerationEntry.id.in_([i.entry_id for i in items if i.entry_id]), ModerationEntry.handling.in_(OPEN)))}  # fmt: skip
    if thread is None or not items:
        return Sent()
    card = thread_card(thread, items, uow.team.language, uow, logged)
    return show_card(uow, "watch", thread.id, card, channel=CHANNEL.of(uow.team))


def _grown_since(s: Session, message: ThreadCard) -> bool:
    later = select(WatchItem.id).where(WatchItem.thread_id == message.thread_id, WatchItem.id > message.newest)
    return s.scalars(later.limit(1)).first() is not None


def thread_card(thread: WatchThread, items: list[WatchItem], lang: str, uow: UnitOfWork,
                logged: dict[int, ModerationEntry] | None = None) -> Message:  # fmt: skip
    _ = translator(lang)
    waiting = [i for i in items if i.state == "to_triage"]
    negative = sum(1 for i in items if i.state == "negative")
    summary = Md.of(_("Messages: {n} — to triage: {waiting}, negative: {negative}, nothing to report: {nothing}"),
                    n=len(items), waiting=len(waiting), negative=negative,
                    nothing=len(items) - len(waiting) - negative)  # fmt: skip
    lines = [_line(n, i, lang, uow) for n, i in enumerate(waiting[:SHOWN], 1)]
    if len(waiting) > SHOWN:
        lines.append(Md.of(_("… and {n} more to triage: they appear here as these are triaged."),
                           n=len(waiting) - SHOWN))  # fmt: skip
    buttons = [b for n, i in enumerate(waiting[:SHOWN], 1) for b in _buttons(n, i, lang)]
    open_entries = [e for _i, e in sorted((logged or {}).items(), reverse=True)][:LOGGED_SHOWN]
    for entry in open_entries:
        lines.append(Md.of(_("📒 In the log as #{id}, {handling}: handle it here or in the log."), id=entry.id,
                           handling=handling_label(entry.handling, lang)))  # fmt: skip
        buttons += handling_buttons(entry, lang)
    return Message(title=_title(thread, items[0], lang), text=Md.join([summary, *lines], sep="\n\n"),
                   context=Md.of("{l}", l=thread.parent_link) if thread.parent_link else None, actions=buttons)  # fmt: skip


def _title(thread: WatchThread, first: WatchItem, lang: str) -> str:
    _ = translator(lang)
    if thread.parent_excerpt or thread.parent_link:
        return _("💬 Replies to “{post}”").format(post=thread.parent_excerpt or thread.parent_link)
    if first.network == "alert":
        return _("🔔 Alerts — {source}").format(source=thread.source.removeprefix("feed:"))
    return _("📣 Mentions on {network}").format(network=network_label(first.network, lang))


def _line(n: int, item: WatchItem, lang: str, uow: UnitOfWork) -> Md:
    _ = translator(lang)
    text = shorten(item.text, TEXT_SHOWN)
    who = item.author_name if item.author_name and item.author_name != item.author_handle else ""
    when = write_moment(item.posted_at, lang, uow.team.timezone)
    if item.author_handle:
        said = Md.of(_("{n}. **{handle}** {name} — {when}\n{text}\n{link}"), n=n, handle=item.author_handle,
                     name=who, when=when, text=text, link=item.link)  # fmt: skip
    else:  # an alert: a page, not a person
        said = Md.of(_("{n}. {when}\n{text}\n{link}"), n=n, when=when, text=text, link=item.link)
    hints = [Md.of(_("🔻 reads as negative (a hint: you decide)"))] if item.tone == "negative" else []
    hints += [Md.of(_("⚠ sensitive topics: {topics}"), topics=item.topics)] if item.topics else []
    return Md.join([said, *hints], sep="\n")


def _buttons(n: int, item: WatchItem, lang: str) -> list[Button]:
    _ = translator(lang)
    return [
        Button("watch.negative", _("{n}: Negative → log").format(n=n), str(item.id), style="danger"),
        Button("watch.nothing", _("{n}: Nothing to report").format(n=n), str(item.id)),
    ]
