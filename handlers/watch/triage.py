"""The CM's one click on a watch item: « Négatif → journal » makes the moderation entry
(the same one a member's report of that link makes: links compared as for reports),
« RAS » sets it aside. A second click, or another CM's, changes nothing."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from handlers.core.context import Request
from handlers.core.i18n import translator
from handlers.core.messages import Md, Message
from handlers.core.once import changed
from handlers.core.registry import Owed
from handlers.core.text import shorten
from handlers.core.work import UnitOfWork
from handlers.moderation import delivery
from handlers.moderation.cards import NETWORKS, network_label
from handlers.moderation.entries import write_entry
from handlers.moderation.links import link_key
from handlers.moderation.log import EXCERPT_MAX
from handlers.moderation.tables import ModerationEntry
from handlers.watch.collect import ThreadCard
from handlers.watch.tables import WatchItem


def triage(uow: UnitOfWork, req: Request, verb: str, value: str) -> None:
    """`watch.negative` / `watch.nothing` on an item's card."""
    if verb not in ("negative", "nothing") or not value.isdigit():
        return
    with uow.writing() as s:
        item = item_of(s, value)
        if item is None or item.state != "to_triage":
            _ = translator(req.language)
            req.reply.reply(Message(text=Md.of(_("This message was triaged already."))))
            return
        if settle(uow, req, item, verb):
            uow.queue(Owed(ThreadCard(item.thread_id), f"watch:card:{item.thread_id}:triaged:{item.id}"))


def settle(uow: UnitOfWork, req: Request, item: WatchItem, verb: str) -> bool:
    """The item triaged, in the caller's transaction, with its log entry if negative; False
    if another click got there first."""
    entry_id = entry_for(uow, req, item) if verb == "negative" else None
    return changed(uow.session, update(WatchItem).where(WatchItem.id == item.id, WatchItem.state == "to_triage")
                   .values(state=verb, entry_id=entry_id, triaged_by=req.user_id, triaged_at=uow.clock()))  # fmt: skip


def item_of(s: Session, value: str) -> WatchItem | None:
    """The item a button or a form names by its id; None for anything else (a forged value)."""
    return s.get(WatchItem, int(value)) if value.isdigit() else None


def entry_for(uow: UnitOfWork, req: Request, item: WatchItem) -> int:
    """The log's entry for this message: the one its link has already, else a new pending one."""
    key = link_key(item.link)
    known = uow.session.scalars(select(ModerationEntry.id).where(ModerationEntry.link_key == key).limit(1)).first()
    if key and known is not None:
        return known
    excerpt = shorten(item.text, EXCERPT_MAX)
    values = {"network": item.network if item.network in NETWORKS else "website", "link": item.link,
              "author": item.author_handle, "excerpt": excerpt or "—", "handling": "pending", "note": ""}  # fmt: skip
    entry_id = write_entry(uow.session, req.user_id, values, item.posted_at)
    uow.queue(delivery.post_card(entry_id))
    return entry_id


def author_name(item: WatchItem) -> str:
    """The display name beside the handle, when it says more (Facebook and YouTube give a name only)."""
    return item.author_name if item.author_name and item.author_name != item.author_handle else ""


def answered_with(item: WatchItem, lang: str, heading: str, charter: str) -> Md:
    """What a reply or hide form shows above its fields: the message as written, then the charter it is held to."""
    _ = translator(lang)
    name, network = author_name(item), network_label(item.network, lang)
    who = Md.of("**{handle}** {name}", handle=item.author_handle, name=name) if name else Md.of(
        "**{handle}**", handle=item.author_handle)  # fmt: skip
    return Md.of(_("{who} on {network}:\n{text}\n{link}\n\n**{heading}**\n{charter}"), who=who, network=network,
                 text=item.text, link=item.link, heading=heading, charter=charter)  # fmt: skip
