"""Hide from Relais, as the moderation charter says: « Masquer » on a Facebook comment or a
Bluesky reply under the association's post opens a form with the message and the
charter's rules; the CM picks the rule that applies. What is asked is stored first (one
row per message, each hide or undo a turn of it), the message triaged negative with its
log entry, then the network asked through the outbox; once it has hidden the message,
the entry reads "hidden" with the rule and who did it, and the card offers to undo it.
Mastodon cannot hide what others write: its cards say what the CM can do instead."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select, update

from handlers.charters.edit import current
from handlers.core.context import Request
from handlers.core.i18n import N_, too_long, translator
from handlers.core.messages import Field, Form, FormErrors, Md, Message, Option
from handlers.core.once import changed
from handlers.core.outgoing import Outgoing, Owed, Sending, Sent
from handlers.core.ports import ChatError
from handlers.core.text import shorten
from handlers.core.work import UnitOfWork
from handlers.moderation.cards import network_label
from handlers.moderation.log import mark
from handlers.watch.collect import ThreadCard
from handlers.watch.found import Refused, SourceError, explained
from handlers.watch.sources import HIDING, hider, label
from handlers.watch.tables import WatchHide, WatchItem
from handlers.watch.triage import answered_with, item_of, settle

FORM = "watch.hide"
OTHER = "other"
RULE_SHOWN = 75  # Slack's longest option text
NOTE_MAX = 500


@dataclass(frozen=True)
class HideOnNetwork(Outgoing, kind="watch.hide"):
    """A hide or an undo asked from Relais, to carry out on the network (its row says which)."""

    hide_id: int
    turn: int


@dataclass(frozen=True)
class HideRefused(Outgoing, kind="watch.hide_refused"):
    """To the CM who asked: the network refused to hide the message, or to show it again."""

    hide_id: int
    turn: int


def hideable(item: WatchItem) -> bool:
    """The network lets the association hide it: a Facebook comment on the Page, a reply in
    a Bluesky thread (the network checks the thread is the association's)."""
    return item.network in HIDING and (item.network != "bluesky" or item.kind == "reply")


def rules(charter: str) -> list[str]:
    """The charter's rules to choose from: each item of a list of three or more after a
    colon ("What we remove: insults; spam; …"), else each paragraph."""
    lists = [paragraph.split(":", 1)[1].split(";") for paragraph in charter.split("\n") if ":" in paragraph]
    listed = [part.strip().strip(".").strip() for parts in lists if len(parts) >= 3 for part in parts]
    return [r for r in listed if r] or [p.strip() for p in re.split(r"\n\s*\n", charter) if p.strip()]


def click(uow: UnitOfWork, req: Request, verb: str, value: str) -> None:
    """`watch_hide.open` on an item (the form), `watch_hide.undo` on a hidden one."""
    if verb == "undo":
        undo(uow, req, value)
        return
    with uow.reading() as s:
        item = item_of(s, value)
    if item is None or not hideable(item):
        _cannot(req, item)
        return
    req.reply.open_form(hide_form(uow, item, req.language))


def _cannot(req: Request, item: WatchItem | None) -> None:
    _ = translator(req.language)
    req.reply.reply(Message(text=Md.of(_("This message cannot be hidden from Relais: {network} does not allow it. "
                                         "See it where it is: {link}"),
                                       network=network_label(item.network, req.language) if item else "—",
                                       link=item.link if item else "—")))  # fmt: skip


def hide_form(uow: UnitOfWork, item: WatchItem, lang: str) -> Form:
    _ = translator(lang)
    network = network_label(item.network, lang)
    charter, version = current(uow, "moderation", lang)
    intro = answered_with(item, lang, _("Moderation charter"), charter)
    options = [Option(str(n), shorten(rule, RULE_SHOWN)) for n, rule in enumerate(rules(charter))]
    options.append(Option(OTHER, _("Another reason (say it below)")))
    fields = [
        Field("rule", _("The charter's rule"), kind="select", options=options),
        Field(
            "note",
            _("Note for the log"),
            kind="paragraph",
            optional=True,
            max_length=NOTE_MAX,
            hint=_("Needed with “another reason”."),
        ),  # fmt: skip
    ]
    title = _("Hide on {network}").format(network=network)
    return Form(FORM, title, _("Hide"), fields, state=f"{item.id}:{version}", language=lang, intro=intro)


def validate(uow: UnitOfWork, req: Request, values: dict[str, str]) -> FormErrors:
    """A rule of the list; with "another reason", the reason."""
    _ = translator(req.language)
    rule, note = values.get("rule") or "", values.get("note") or ""
    if rule != OTHER and not rule.isdigit():
        return {"rule": _("Choose the charter's rule that applies.")}
    if rule == OTHER and not note.strip():
        return {"note": _("Say which reason, as the log will keep it.")}
    if len(note) > NOTE_MAX:
        return {"note": too_long(len(note), NOTE_MAX, req.language)}
    return {}


def submit(uow: UnitOfWork, req: Request, values: dict[str, str], state: str) -> None:
    """Stored first: the hide, the message triaged negative with its log entry; the network asked by the outbox."""
    _ = translator(req.language)
    item_id, _sep, version = state.partition(":")
    charter, now_version = current(uow, "moderation", req.language)
    listed, choice, note = rules(charter), values.get("rule") or "", (values.get("note") or "").strip()
    if version != str(now_version) or (choice != OTHER and (not choice.isdigit() or int(choice) >= len(listed))):
        req.reply.reply(Message(text=Md.of(_("The moderation charter changed since this form opened: "
                                             "nothing was hidden. Click “Hide” again."))))  # fmt: skip
        return
    rule = "" if choice == OTHER else listed[int(choice)]
    with uow.writing() as s:
        item = item_of(s, item_id)
        if item is None or not hideable(item):
            _cannot(req, item)
            return
        asked = _ask(uow, req, item, rule, note)
    said = (_("🙈 Hiding it on {network}; the card will say when it is done.") if asked
            else _("This message is hidden already, or being hidden."))  # fmt: skip
    req.reply.reply(Message(text=Md.of(said, network=network_label(item.network, req.language))))


def _ask(uow: UnitOfWork, req: Request, item: WatchItem, rule: str, note: str) -> bool:
    """The hide row made or turned again, the item triaged negative (its entry made); False if it is hidden or on its way."""
    s = uow.session
    row = s.scalars(select(WatchHide).where(WatchHide.item_id == item.id)).first()
    if row is not None and row.state in ("hiding", "hidden"):
        return False
    if item.state == "to_triage":
        settle(uow, req, item, "negative")
    if row is None:
        row = WatchHide(item_id=item.id, rule=rule, note=note, state="hiding", turn=1, hidden_by=req.user_id,
                        hidden_at=uow.clock(), undone_by="", error="", said="")  # fmt: skip
        s.add(row)
        s.flush()
    else:
        row.rule, row.note, row.state, row.turn = rule, note, "hiding", row.turn + 1
        row.hidden_by, row.hidden_at = req.user_id, uow.clock()
        row.error, row.said, row.undone_by = "", "", ""
    uow.queue(Owed(HideOnNetwork(row.id, row.turn), f"watch:hide:{row.id}:{row.turn}"),
              Owed(ThreadCard(item.thread_id), f"watch:card:{item.thread_id}:hide:{row.id}:{row.turn}"))  # fmt: skip
    return True


def undo(uow: UnitOfWork, req: Request, value: str) -> None:
    """`watch_hide.undo`: the message shown again on its network; a second click changes nothing."""
    _ = translator(req.language)
    with uow.writing() as s:
        row = s.get(WatchHide, int(value)) if value.isdigit() else None
        turn = row.turn + 1 if row else 0
        if row is None or not changed(s, update(WatchHide).where(WatchHide.id == row.id, WatchHide.state == "hidden")
                                      .values(state="showing", turn=turn, undone_by=req.user_id, error="", said="")):  # fmt: skip
            req.reply.reply(Message(text=Md.of(_("This message is not hidden (or is being shown again already)."))))
            return
        item = s.get(WatchItem, row.item_id)
        uow.queue(Owed(HideOnNetwork(row.id, turn), f"watch:hide:{row.id}:{turn}"))
        if item is not None:
            uow.queue(Owed(ThreadCard(item.thread_id), f"watch:card:{item.thread_id}:hide:{row.id}:{turn}"))
    req.reply.reply(Message(text=Md.of(_("↩️ Showing it again; the card will say when it is done."))))


def send_hide(uow: UnitOfWork, message: HideOnNetwork, _sending: Sending) -> Sent | None:
    """On the network; an outage is tried again (hiding twice is hiding once)."""
    with uow.reading() as s:
        row = s.get(WatchHide, message.hide_id)
        item = s.get(WatchItem, row.item_id) if row else None
    if row is None or item is None or row.turn != message.turn or row.state not in ("hiding", "showing"):
        return None  # a later turn carries the CM's last wish
    hidden = row.state == "hiding"
    opened = hider(uow.team, item.source)
    try:
        if opened is None:
            raise Refused(N_("{said} is no longer configured in Relais."), label(item.source))
        with opened as network:
            network.hide(item.network_id, hidden, uow.clock())
    except Refused as refused:
        _settle(uow, message, "refused" if hidden else "hidden", error=refused.why, said=refused.said)
    except SourceError as problem:
        raise ChatError(str(problem)) from None
    else:
        _settle(uow, message, "hidden" if hidden else "shown")
    uow.deliver()
    return None


def _settle(uow: UnitOfWork, message: HideOnNetwork, state: str, *, error: str = "", said: str = "") -> None:
    """The turn's outcome: the log's entry marked (hidden with the rule, or pending again),
    the card updated; a refusal told to the CM who asked."""
    _ = translator(uow.team.language)
    with uow.writing() as s:
        row = s.get(WatchHide, message.hide_id)
        if row is None or row.turn != message.turn or row.state not in ("hiding", "showing"):
            return
        asked_by = row.hidden_by if row.state == "hiding" else row.undone_by
        row.state, row.error, row.said = state, error, said[:500]
        item = s.get(WatchItem, row.item_id)
        if item is None:
            return
        if error:
            uow.queue(Owed(HideRefused(row.id, row.turn), f"watch:hide:{row.id}:{row.turn}:refused"))
        elif item.entry_id is not None and state == "hidden":
            mark(uow, item.entry_id, "hidden", asked_by, note=_("rule: {rule}").format(rule=row.reason), again=True)
        elif item.entry_id is not None:
            mark(uow, item.entry_id, "pending", asked_by, note=_("shown again on the network"), again=True)
        uow.queue(Owed(ThreadCard(item.thread_id), f"watch:card:{item.thread_id}:hide:{row.id}:{row.turn}:{state}"))


def send_refused(uow: UnitOfWork, message: HideRefused, _sending: Sending) -> Sent | None:
    with uow.reading() as s:
        row = s.get(WatchHide, message.hide_id)
        item = s.get(WatchItem, row.item_id) if row else None
    if row is None or item is None:
        return None
    asked_by = row.undone_by or row.hidden_by
    lang = uow.language(asked_by)
    _ = translator(lang)
    text = Md.of(_("⚠️ {network} refused to change what it shows of {handle}'s message: {why}\n"
                   "Nothing changed there. See it where it is: {link}"),
                 network=network_label(item.network, lang), handle=item.author_handle,
                 why=why(row, lang), link=item.link)  # fmt: skip
    uow.chat.dm(asked_by, Message(text=text, fallback=_("Hiding was refused.")))
    return None


def why(row: WatchHide, lang: str) -> str:
    return explained(row.error, row.said, lang)
