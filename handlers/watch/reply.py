"""Reply from Relais: « Répondre » on a watch card opens a form with the message answered
and the speaking charter; the reply is stored first, then posted as the association where
the message is, through the outbox (Mastodon: a status `in_reply_to_id` with an
`Idempotency-Key`; Bluesky: a post with its thread's root and parent, under a record key
worked out from the reply), so a double click or a retry posts once. A refusal keeps the
text and tells the CM why; a posted reply marks the log's entry "replied" with its link."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

from handlers.charters.edit import current
from handlers.core.context import Request
from handlers.core.i18n import N_, number, too_long, translator
from handlers.core.messages import Field, Form, FormErrors, Md, Message
from handlers.core.once import add_once
from handlers.core.outgoing import Outgoing, Owed, Sending, Sent
from handlers.core.ports import ChatError
from handlers.core.work import UnitOfWork
from handlers.moderation.cards import network_label
from handlers.moderation.log import mark
from handlers.watch.collect import ThreadCard
from handlers.watch.found import Refused, SourceError, explained
from handlers.watch.sources import REPLY_LIMITS, answerer, label
from handlers.watch.tables import WatchItem, WatchReply
from handlers.watch.triage import answered_with, item_of

FORM = "watch.reply"


@dataclass(frozen=True)
class PostReply(Outgoing, kind="watch.reply"):
    """A reply written in Relais, to post on the network (its row holds the text)."""

    reply_id: int


@dataclass(frozen=True)
class ReplyRefused(Outgoing, kind="watch.reply_refused"):
    """To the CM who wrote it: the network refused the reply; the text is kept."""

    reply_id: int


def replyable(item: WatchItem) -> bool:
    """A reply can be posted from Relais: the network takes one and the item says where."""
    return item.network in REPLY_LIMITS and bool(item.post_id)


def open_form(uow: UnitOfWork, req: Request, _verb: str, value: str) -> None:
    """`watch_reply.open` on a card: the form, with the message and the speaking charter."""
    with uow.reading() as s:
        item = item_of(s, value)
    if item is None or not replyable(item):
        _not_here(req, item)
        return
    req.reply.open_form(reply_form(uow, item, req.language))


def _not_here(req: Request, item: WatchItem | None) -> None:
    _ = translator(req.language)
    req.reply.reply(Message(text=Md.of(_("This message cannot be answered from Relais: answer it where it is, "
                                         "{link}"), link=item.link if item else "—")))  # fmt: skip


def reply_form(uow: UnitOfWork, item: WatchItem, lang: str) -> Form:
    _ = translator(lang)
    network, limit = network_label(item.network, lang), REPLY_LIMITS[item.network]
    charter, _version = current(uow, "speaking", lang)
    intro = answered_with(item, lang, _("Speaking charter"), charter)
    hint = _("At most {n} characters on {network}; posted as the association.").format(n=number(limit, lang),
                                                                                        network=network)  # fmt: skip
    initial = f"{item.author_handle} " if item.network == "mastodon" else ""  # Mastodon notifies those it names
    field = Field(item.network, _("Your reply"), kind="paragraph", initial=initial, hint=hint)
    title = _("Reply on {network}").format(network=network)
    return Form(FORM, title, _("Send"), [field], state=str(item.id), language=lang, intro=intro)


def validate(_uow: UnitOfWork, req: Request, values: dict[str, str]) -> FormErrors:
    """Not empty, and within the network's length as it counts it (the field is named after it)."""
    _ = translator(req.language)
    network = next((n for n in REPLY_LIMITS if n in values), "mastodon")
    text = values.get(network) or ""
    if not text.strip():
        return {network: _("Write the reply first.")}
    size, limit = length(network, text), REPLY_LIMITS[network]
    if size > limit:
        return {network: too_long(size, limit, req.language)}
    return {}


def length(network: str, text: str) -> int:
    """The text's length as the network counts it: Bluesky in graphemes (a letter and its
    accents, an emoji and its modifiers, are one), Mastodon in characters."""
    if network != "bluesky":
        return len(text)
    joined = ("\u200d", "\ufe0f", "\ufe0e")
    count, previous = 0, ""
    for char in unicodedata.normalize("NFC", text):
        attached = unicodedata.combining(char) or char in joined or previous == "\u200d"
        attached = attached or "\U0001f3fb" <= char <= "\U0001f3ff"  # a skin tone
        count += 0 if attached else 1
        previous = char
    return count


def submit(uow: UnitOfWork, req: Request, values: dict[str, str], state: str) -> None:
    """Stored first, once per item and text; posted by the outbox."""
    _ = translator(req.language)
    network, text = next(iter(values.items()), ("", ""))
    key = f"{state}:{hashlib.sha256(text.encode()).hexdigest()[:32]}"
    with uow.writing() as s:
        item = item_of(s, state)
        if item is None or not replyable(item) or item.network != network or len(values) != 1:  # not this item's
            _not_here(req, item)
            return
        row = {"key": key, "item_id": item.id, "text": text, "written_by": req.user_id,
               "written_at": uow.clock(), "state": "sending"}  # fmt: skip
        reply_id = add_once(s, WatchReply, "key", row)
        if reply_id is not None:
            uow.queue(Owed(PostReply(reply_id), f"watch:reply:{reply_id}"))
    said = (_("↩️ Your reply is on its way to {network}; the card will show its link.") if reply_id is not None
            else _("This reply was sent already."))  # fmt: skip
    req.reply.reply(Message(text=Md.of(said, network=network_label(network, req.language))))


def send_reply(uow: UnitOfWork, message: PostReply, sending: Sending) -> Sent | None:
    """On the network as the association; an outage is tried again (the keys post it once)."""
    reply, item = _loaded(uow, message.reply_id)
    if reply is None or item is None or reply.state != "sending":
        return None
    opened = answerer(uow.team, item.source)
    try:
        if opened is None:
            raise Refused(N_("{said} is no longer configured in Relais."), label(item.source))
        with opened as network:
            link = network.reply(item.post_id, reply.text, sending.key, reply.written_at)
    except Refused as refused:
        _settle(uow, reply.id, "refused", error=refused.why, said=refused.said)
    except SourceError as problem:
        raise ChatError(str(problem)) from None
    else:
        _settle(uow, reply.id, "posted", link=link)
    uow.deliver()  # the card updated, or the CM told, now rather than at the next tick
    return None


def _loaded(uow: UnitOfWork, reply_id: int) -> tuple[WatchReply | None, WatchItem | None]:
    """A reply and the item it answers, as its senders read them."""
    with uow.reading() as s:
        reply = s.get(WatchReply, reply_id)
        return reply, s.get(WatchItem, reply.item_id) if reply else None


def _settle(uow: UnitOfWork, reply_id: int, state: str, *, link: str = "", error: str = "", said: str = "") -> None:
    """The reply's outcome, with what follows in the same transaction: the entry marked
    replied and the card updated, or the CM told of the refusal."""
    with uow.writing() as s:
        reply = s.get(WatchReply, reply_id)
        if reply is None or reply.state != "sending":
            return
        reply.state, reply.link, reply.error, reply.said = state, link, error, said[:500]
        item = s.get(WatchItem, reply.item_id)
        if state == "refused":
            uow.queue(Owed(ReplyRefused(reply.id), f"watch:reply:{reply.id}:refused"))
            return
        if item is not None and item.entry_id is not None:
            mark(uow, item.entry_id, "replied", reply.written_by, note=link, again=True)
        if item is not None:
            uow.queue(Owed(ThreadCard(item.thread_id), f"watch:card:{item.thread_id}:reply:{reply.id}"))


def send_refused(uow: UnitOfWork, message: ReplyRefused, _sending: Sending) -> Sent | None:
    reply, item = _loaded(uow, message.reply_id)
    if reply is None or item is None:
        return None
    lang = uow.language(reply.written_by)
    _ = translator(lang)
    text = Md.of(_("⚠️ {network} refused your reply to {handle}: {why}\nNothing was posted. Your text, kept:\n{text}\n"
                   "To try again: “Reply” on the card, or answer it where it is, {link}"),
                 network=network_label(item.network, lang), handle=item.author_handle, why=why(reply, lang),
                 text=reply.text, link=item.link)  # fmt: skip
    uow.chat.dm(reply.written_by, Message(text=text, fallback=_("Your reply was refused.")))
    return None


def why(reply: WatchReply, lang: str) -> str:
    """Why the network refused the reply, in the reader's language (its own words quoted)."""
    return explained(reply.error, reply.said, lang)
