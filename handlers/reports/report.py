"""`/cm report`: any member hands over a negative comment seen online, in one form.
It becomes a pending entry of the moderation log, "reported by @x", posted to the
CM queue with its handling buttons. The same link reported again adds its
reporter to the entry already there. Each reporter is told once how the CM
handled it. `/cm report mine` lists one's reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from handlers.core.context import Request
from handlers.core.i18n import translator
from handlers.core.messages import Button, Field, Form, FormErrors, Md, Message, Option
from handlers.core.registry import Outgoing, Owed, Sending
from handlers.core.work import UnitOfWork
from handlers.moderation import delivery
from handlers.moderation.cards import HANDLINGS, NETWORKS, OPEN, entry_line, handling_label, network_label
from handlers.moderation.entries import write_entry
from handlers.moderation.links import link_key
from handlers.moderation.log import EXCERPT_MAX, LINK_MAX, NOTE_MAX, check
from handlers.moderation.tables import EntryReport, ModerationEntry

FORM = "reports.new"
LIST_MAX = 25


def report_button(lang: str) -> Button:
    _ = translator(lang)
    return Button("reports.open", _("Report a negative comment"), "form")


def report_form(lang: str) -> Form:
    _ = translator(lang)
    return Form(
        FORM,
        _("Report a comment"),
        _("Report"),
        [
            Field("network", _("Network"), kind="select", options=[Option(k, _(v)) for k, v in NETWORKS.items()]),
            Field("link", _("Link"), optional=True, max_length=LINK_MAX, hint=_("The address of the comment, if any")),
            Field("excerpt", _("What it says"), kind="paragraph", max_length=EXCERPT_MAX),
            Field("note", _("A word for the CM"), kind="paragraph", optional=True, max_length=NOTE_MAX),
        ],
        language=lang,
    )


def command(uow: UnitOfWork, req: Request, args: str) -> None:
    """`/cm report`: the form (other words: its usage)."""
    if args:
        _ = translator(req.language)
        req.reply.reply(Message(text=Md.of(_("Type /cm report to report a negative comment, /cm report mine to "
                                             "see your reports."))))  # fmt: skip
        return
    req.reply.open_form(report_form(req.language))


def open_form(uow: UnitOfWork, req: Request, _verb: str, _value: str) -> None:
    req.reply.open_form(report_form(req.language))


def validate(uow: UnitOfWork, req: Request, values: dict[str, str]) -> FormErrors:
    return check({**values, "handling": "pending"}, req.language)


def submit(uow: UnitOfWork, req: Request, values: dict[str, str], _state: str) -> None:
    """A new pending entry with its card, or the reporter added to the entry of the same link."""
    key, note = link_key(values.get("link")), values.get("note", "").strip()
    now = uow.clock()
    with uow.writing() as s:
        known = (
            s.scalars(select(ModerationEntry).where(ModerationEntry.link_key == key).limit(1)).first() if key else None
        )
        if known is None:
            entry_id = write_entry(s, req.user_id, {**values, "note": "", "handling": "pending"}, None)
            uow.queue(delivery.post_card(entry_id))
        else:
            entry_id = known.id
            if s.get(EntryReport, (entry_id, req.user_id)) is None:
                uow.queue(delivery.update_card(entry_id, f"reported:{req.user_id}"))
        if s.get(EntryReport, (entry_id, req.user_id)) is None:
            s.add(EntryReport(entry_id=entry_id, reporter_id=req.user_id, note=note, reported_at=now))
    uow.deliver()
    _ = translator(req.language)
    said = (
        _("🙏 Thank you: reported to the CM as #{id}. You will be told how it is handled.")
        if known is None
        else _("🙏 Thank you: this comment was already reported (#{id}); your report is added to it.")
    )
    req.reply.reply(Message(text=Md.of(said, id=entry_id)))


def mine(uow: UnitOfWork, req: Request, _args: str) -> None:
    _ = translator(req.language)
    with uow.reading() as s:
        entries = list(
            s.scalars(
                select(ModerationEntry)
                .join(EntryReport, EntryReport.entry_id == ModerationEntry.id)
                .where(EntryReport.reporter_id == req.user_id)
                .order_by(ModerationEntry.id.desc())
                .limit(LIST_MAX)
            )
        )
    if not entries:
        req.reply.reply(Message(text=Md.of(_("You have not reported anything yet. /cm report opens the form."))))
        return
    lines = [entry_line(e, req.language, uow.team.timezone) for e in entries]
    req.reply.reply(Message(text=Md.of("**{h}**\n{l}", h=_("Your reports"), l=Md.join(lines))))


_HANDLED_UNTOLD = (
    select(EntryReport.entry_id, EntryReport.reporter_id)
    .join(ModerationEntry, ModerationEntry.id == EntryReport.entry_id)
    .where(EntryReport.told_at.is_(None), ModerationEntry.handling.not_in(OPEN))
)


@dataclass(frozen=True)
class Told(Outgoing, kind="reports.told"):
    """To a reporter: how the CM handled the comment they reported."""

    entry: int
    user: str


def watch(uow: UnitOfWork, now: datetime) -> None:
    """Reports whose entry the CM has handled, and whose reporter was not told yet: told once.
    Asked at every tick, so a tick with nothing to tell costs a read, never a write."""
    with uow.reading() as s:
        if s.execute(_HANDLED_UNTOLD.limit(1)).first() is None:
            return
    with uow.writing() as s:
        handled = s.execute(_HANDLED_UNTOLD).all()
        uow.queue(*(Owed(Told(e, u), f"report-told:{e}:{u}") for e, u in handled))
        for e, u in handled:
            s.execute(
                update(EntryReport).where(EntryReport.entry_id == e, EntryReport.reporter_id == u).values(told_at=now)
            )


def told(uow: UnitOfWork, told: Told, _sending: Sending) -> None:
    user = told.user
    with uow.reading() as s:
        entry = s.get(ModerationEntry, told.entry)
    if entry is None:
        return
    lang = uow.language(user)
    _ = translator(lang)
    text = Md.of(
        _("🛡️ The comment you reported (#{id}, {network}) was handled by the CM: {how}. Thank you for reporting it!"),
        id=entry.id,
        network=network_label(entry.network, lang),
        how=handling_label(entry.handling, lang) if entry.handling in HANDLINGS else entry.handling,
    )
    uow.chat.dm(user, Message(text=text, fallback=_("Your report was handled.")))


def home_line(lang: str) -> str:
    _ = translator(lang)
    return _("Seen a negative comment online? Report it to the CM.")
