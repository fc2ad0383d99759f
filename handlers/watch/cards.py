"""A thread's card: the post it answers (or its source's hour), how many items it holds
and how they were triaged, and the first ones still to triage, each with its two
buttons. One card per thread, updated in place: 300 replies are one card."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers.core.cards import show_card, where_posted
from handlers.core.dates import write_moment
from handlers.core.i18n import translator
from handlers.core.messages import Button, Md, Message, UserRef
from handlers.core.registry import Sending, Sent
from handlers.core.text import shorten
from handlers.core.work import UnitOfWork
from handlers.moderation.cards import OPEN, handling_buttons, handling_label, network_label
from handlers.moderation.tables import ModerationEntry
from handlers.topics.sensitive import all_topics, matcher
from handlers.watch.collect import ThreadCard
from handlers.watch.hide import hideable
from handlers.watch.hide import why as hide_why
from handlers.watch.reply import replyable, why
from handlers.watch.sources import CHANNEL, MASTODON_URL
from handlers.watch.tables import WatchHide, WatchItem, WatchReply, WatchThread, WatchWord
from handlers.watch.tone import hint
from handlers.watch.triage import author_name

Reading = Callable[[str], tuple[bool, str]]  # a text -> (reads as negative, its sensitive topics)

SHOWN = 5  # items with their buttons on a card; the rest are counted
LOGGED_SHOWN = 2  # the newest entries still open, with the log's handling buttons
HIDES_SHOWN = 3  # the newest messages hidden from Relais, with their Undo
TEXT_SHOWN = 300  # characters of an item's text on the card; its link leads to the whole


@dataclass(frozen=True)
class Thread:
    """What a card shows of its thread: the counts by state, the first items still to
    triage, the open log entries its items made. Read with a few statements, whatever
    the thread holds: a post with 1,000 replies loads five of them."""

    row: WatchThread
    network: str  # its first item's
    counts: dict[str, int]
    waiting: list[WatchItem]
    logged: list[ModerationEntry]  # newest first
    logged_items: dict[int, WatchItem]  # entry id -> the item that made it
    replies: dict[int, list[WatchReply]]  # item id -> the replies written in Relais, oldest first
    hides: list[tuple[WatchHide, WatchItem]]  # the thread's messages hidden from Relais (or being), newest first


def send_card(uow: UnitOfWork, message: ThreadCard, _sending: Sending) -> Sent:
    """The card as the thread stands now. One owed for a page whose thread has grown since
    is not sent: the page that grew it owed a later card, which shows everything."""
    with uow.reading() as s:
        if message.newest and _grown_since(s, message):
            return Sent()
        thread = _thread(s, message.thread_id)
        read = reading(s)
        where = where_posted(s, "watch", thread.row.id) if thread else None
    if thread is None:
        return Sent()
    card = thread_card(thread, uow.team.language, uow, read)
    return show_card(uow, "watch", thread.row.id, card, where, channel=CHANNEL.of(uow.team))


def _thread(s: Session, thread_id: int) -> Thread | None:
    row = s.get(WatchThread, thread_id)
    in_thread = WatchItem.thread_id == thread_id
    network = s.scalars(select(WatchItem.network).where(in_thread).order_by(WatchItem.id).limit(1)).first()
    if row is None or network is None:
        return None
    counts = dict(s.execute(select(WatchItem.state, func.count()).where(in_thread).group_by(WatchItem.state)).all())
    waiting = list(s.scalars(select(WatchItem).where(in_thread, WatchItem.state == "to_triage")
                             .order_by(WatchItem.posted_at, WatchItem.id).limit(SHOWN)))  # fmt: skip
    entries = select(WatchItem.entry_id).where(in_thread, WatchItem.entry_id.is_not(None))
    logged = list(s.scalars(select(ModerationEntry).where(ModerationEntry.id.in_(entries),
                  ModerationEntry.handling.in_(OPEN)).order_by(ModerationEntry.id.desc()).limit(LOGGED_SHOWN)))  # fmt: skip
    logged_items = {i.entry_id or 0: i for i in s.scalars(select(WatchItem).where(
        in_thread, WatchItem.entry_id.in_([e.id for e in logged])))}  # fmt: skip
    shown = [i.id for i in waiting] + [i.id for i in logged_items.values()]
    replies: dict[int, list[WatchReply]] = {}
    for r in s.scalars(select(WatchReply).where(WatchReply.item_id.in_(shown)).order_by(WatchReply.id)):
        replies.setdefault(r.item_id, []).append(r)
    hides = [(h, i) for h, i in s.execute(select(WatchHide, WatchItem).join(WatchItem, WatchItem.id == WatchHide.item_id)
             .where(in_thread, WatchHide.state != "shown").order_by(WatchHide.id.desc()).limit(HIDES_SHOWN))]  # fmt: skip
    return Thread(row, network, counts, waiting, logged, logged_items, replies, hides)


def _grown_since(s: Session, message: ThreadCard) -> bool:
    later = select(WatchItem.id).where(WatchItem.thread_id == message.thread_id, WatchItem.id > message.newest)
    return s.scalars(later.limit(1)).first() is not None


def reading(s: Session) -> Reading:
    """The hint and the sensitive topics of a text, read when it is shown (a card shows a
    few): the CM's words and the topics as they are now, read once for the card."""
    cm_words = list(s.scalars(select(WatchWord.written)))
    topics = matcher(all_topics(s))
    return lambda text: (hint(text, cm_words).negative, ", ".join(topics(text)))


def thread_card(thread: Thread, lang: str, uow: UnitOfWork, read: Reading) -> Message:
    _ = translator(lang)
    waiting, negative = thread.counts.get("to_triage", 0), thread.counts.get("negative", 0)
    total = sum(thread.counts.values())
    summary = Md.of(_("Messages: {n} — to triage: {waiting}, negative: {negative}, nothing to report: {nothing}"),
                    n=total, waiting=waiting, negative=negative, nothing=total - waiting - negative)  # fmt: skip
    lines = [Md.join([_line(n, i, lang, uow, read), *_replied(thread.replies.get(i.id, []), lang)], sep="\n")
             for n, i in enumerate(thread.waiting, 1)]  # fmt: skip
    if waiting > len(thread.waiting):
        lines.append(Md.of(_("… and {n} more to triage: they appear here as these are triaged."),
                           n=waiting - len(thread.waiting)))  # fmt: skip
    buttons = [b for n, i in enumerate(thread.waiting, 1) for b in _buttons(n, i, lang)]
    for entry in thread.logged:
        said = Md.of(_("📒 In the log as #{id}, {handling}: handle it here or in the log."), id=entry.id,
                     handling=handling_label(entry.handling, lang))  # fmt: skip
        item = thread.logged_items.get(entry.id)
        instead = [_cannot_hide(item, uow, lang)] if item and not hideable(item) and item.network != "alert" else []
        lines.append(Md.join([said, *_replied(thread.replies.get(item.id, []) if item else [], lang), *instead],
                             sep="\n"))  # fmt: skip
        buttons += handling_buttons(entry, lang)
        buttons += [_reply_button(_("#{id}: Reply").format(id=entry.id), item)] if item and replyable(item) else []
        hidden = {h.item_id for h, _i in thread.hides}
        buttons += [_hide_button(_("#{id}: Hide").format(id=entry.id), item)] if item and hideable(item) and \
            item.id not in hidden else []  # fmt: skip
    for hide, item in thread.hides:
        lines.append(_hidden_line(hide, item, lang))
        buttons += [Button("watch_hide.undo", _("Undo hiding {handle}").format(handle=shorten(item.author_handle, 30)),
                           str(hide.id))] if hide.state == "hidden" else []  # fmt: skip
    row = thread.row
    return Message(title=_title(row, thread.network, lang), text=Md.join([summary, *lines], sep="\n\n"),
                   context=Md.of("{l}", l=row.parent_link) if row.parent_link else None, actions=buttons)  # fmt: skip


def _title(thread: WatchThread, network: str, lang: str) -> str:
    _ = translator(lang)
    if thread.parent_excerpt or thread.parent_link:
        return _("💬 Replies to “{post}”").format(post=thread.parent_excerpt or thread.parent_link)
    if network == "alert":
        return _("🔔 Alerts — {source}").format(source=thread.source.removeprefix("feed:"))
    return _("📣 Mentions on {network}").format(network=network_label(network, lang))


def _line(n: int, item: WatchItem, lang: str, uow: UnitOfWork, read: Reading) -> Md:
    _ = translator(lang)
    text = shorten(item.text, TEXT_SHOWN)
    who = author_name(item)
    when = write_moment(item.posted_at, lang, uow.team.timezone)
    if item.author_handle and who:
        said = Md.of(_("{n}. **{handle}** {name} — {when}\n{text}\n{link}"), n=n, handle=item.author_handle,
                     name=who, when=when, text=text, link=item.link)  # fmt: skip
    elif item.author_handle:  # Facebook and YouTube show a name only
        said = Md.of(_("{n}. **{handle}** — {when}\n{text}\n{link}"), n=n, handle=item.author_handle, when=when,
                     text=text, link=item.link)  # fmt: skip
    else:  # an alert: a page, not a person
        said = Md.of(_("{n}. {when}\n{text}\n{link}"), n=n, when=when, text=text, link=item.link)
    negative, topics = read(item.text)
    hints = [Md.of(_("🔻 reads as negative (a hint: you decide)"))] if negative else []
    hints += [Md.of(_("⚠ sensitive topics: {topics}"), topics=topics)] if topics else []
    return Md.join([said, *hints], sep="\n")


def _buttons(n: int, item: WatchItem, lang: str) -> list[Button]:
    _ = translator(lang)
    reply = [_reply_button(_("{n}: Reply").format(n=n), item)] if replyable(item) else []
    hide = [_hide_button(_("{n}: Hide").format(n=n), item)] if hideable(item) else []
    return [
        Button("watch.negative", _("{n}: Negative → log").format(n=n), str(item.id), style="danger"),
        Button("watch.nothing", _("{n}: Nothing to report").format(n=n), str(item.id)),
        *reply,
        *hide,
    ]


def _hide_button(label: str, item: WatchItem) -> Button:
    return Button("watch_hide.open", label, str(item.id))


def _hidden_line(hide: WatchHide, item: WatchItem, lang: str) -> Md:
    """A message hidden from Relais: by whom and by which rule, on its way, or refused."""
    _ = translator(lang)
    said = {
        "hiding": _("⏳ {handle}'s message being hidden by {who} (rule: {rule})"),
        "hidden": _("🙈 {handle}'s message hidden by {who} (rule: {rule}): {link}"),
        "showing": _("⏳ {handle}'s message being shown again"),
        "refused": _("⚠️ hiding {handle}'s message refused: {why}"),
    }
    line = Md.of(said[hide.state], handle=item.author_handle, who=UserRef(hide.hidden_by), rule=hide.reason,
                 link=item.link, why=hide_why(hide, lang))  # fmt: skip
    if hide.state == "hidden" and hide.error:  # an undo the network refused
        return Md.join([line, Md.of(_("⚠️ showing it again was refused: {why}"), why=hide_why(hide, lang))], sep="\n")
    return line


def _cannot_hide(item: WatchItem, uow: UnitOfWork, lang: str) -> Md:
    """Where the network lets nobody hide it: what the CM can do there instead."""
    _ = translator(lang)
    if item.network == "mastodon":
        server = MASTODON_URL.of(uow.team).rstrip("/")
        return Md.of(_("🛡 Mastodon cannot hide a reply. From the association's account, report it to its server "
                       "(the message's ⋯ menu: {link}) or block or mute {handle}: {profile}"),
                     link=item.link, handle=item.author_handle, profile=f"{server}/{item.author_handle}")  # fmt: skip
    if item.network == "youtube":
        return Md.of(_("▶️ Answer or hide it on YouTube ({link}): Relais reads YouTube with a key, and acting "
                       "there needs the channel owner's Google sign-in."), link=item.link)  # fmt: skip
    return Md.of(_("🛡 {network} hides only replies under the association's own posts: report it or block "
                   "{handle} there: {link}"), network=network_label(item.network, lang), handle=item.author_handle,
                 link=item.link)  # fmt: skip


def _reply_button(label: str, item: WatchItem) -> Button:
    return Button("watch_reply.open", label, str(item.id))


def _replied(replies: list[WatchReply], lang: str) -> list[Md]:
    """Under an item: each reply written in Relais, posted (its link), on its way, or refused."""
    _ = translator(lang)
    said = {
        "posted": _("↩️ replied by {who}: {link}"),
        "sending": _("⏳ reply by {who} on its way"),
        "refused": _("⚠️ reply by {who} refused: {why}"),
    }
    return [Md.of(said[r.state], who=UserRef(r.written_by), link=r.link, why=why(r, lang)) for r in replies]
