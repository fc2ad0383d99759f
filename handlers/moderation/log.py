"""The moderation log: every negative message seen online and how it was handled.
`/cm log` (form), `/cm log list [open]`, buttons on each entry to change its handling."""

from __future__ import annotations

from sqlalchemy import select, update

from handlers.core.context import Request
from handlers.core.declarations import Translate
from handlers.core.i18n import too_long, translator
from handlers.core.messages import Field, Form, FormErrors, Md, Message, Option
from handlers.core.once import changed
from handlers.core.work import UnitOfWork
from handlers.moderation import delivery
from handlers.moderation.cards import HANDLINGS, NETWORKS, OPEN, SEVERITIES, entry_line, handling_label
from handlers.moderation.entries import write_entry
from handlers.moderation.tables import ModerationEntry, ModerationEvent

EXCERPT_MAX = 2000
NOTE_MAX = 1000
AUTHOR_MAX = 200
LINK_MAX = 1000
LIST_MAX = 25


def command(uow: UnitOfWork, req: Request, args: str) -> None:
    """`/cm log`: the form; other words get this command's usage rather than being ignored."""
    if args:
        _usage(req, f"/cm log {args}")
    else:
        req.reply.open_form(log_form(req.language))


def _usage(req: Request, typed: str) -> None:
    _ = translator(req.language)
    usage = _("/cm log opens the form to log a negative message; /cm log list [open] lists the log.")
    req.reply.reply(Message(text=Md.of(_("I do not know “{cmd}”.") + " " + usage, cmd=typed)))


def list_command(uow: UnitOfWork, req: Request, args: str) -> None:
    """`/cm log list [open]`."""
    if args and args.casefold() not in ("open", "ouvertes", "ouverts"):
        _usage(req, f"/cm log list {args}")
    else:
        listing(uow, req, only_open=bool(args))


def log_form(lang: str, *, entry_id: int | None = None, handling: str = "pending") -> Form:
    """The full form to log an entry, or (with entry_id) the handling-and-note form for one."""
    _ = translator(lang)
    fields = _handling_fields(_, handling)
    if entry_id is not None:
        title = _("Handling #{id}").format(id=entry_id)
        return Form("moderation.change", title, _("Save"), fields, state=str(entry_id), language=lang)
    return Form("moderation.log", _("Negative message"), _("Log"), [*_message_fields(_), *fields], language=lang)


def _message_fields(_: Translate) -> list[Field]:
    """What was seen: where, its link, its author, its words, how serious."""
    return [
        Field("network", _("Network"), kind="select", options=[Option(k, _(v)) for k, v in NETWORKS.items()]),
        Field("link", _("Link"), optional=True, max_length=LINK_MAX, hint=_("The address of the message, if any")),
        Field("author", _("Author"), optional=True, max_length=AUTHOR_MAX),
        Field("excerpt", _("Excerpt"), kind="paragraph", max_length=EXCERPT_MAX),
        Field(
            "severity",
            _("Severity"),
            kind="select",
            initial="low",
            options=[Option(k, _(v)) for k, v in SEVERITIES.items()],
        ),
    ]


def _handling_fields(_: Translate, handling: str) -> list[Field]:
    """How the CM handled it, why if ignored, and a note."""
    return [
        Field(
            "handling",
            _("Handling"),
            kind="select",
            initial=handling,
            options=[Option(k, _(v)) for k, v in HANDLINGS.items()],
        ),
        Field(
            "reason", _("Reason, if ignored"), optional=True, max_length=NOTE_MAX, needed_when=("handling", "ignored")
        ),
        Field("note", _("Note"), kind="paragraph", optional=True, max_length=NOTE_MAX),
    ]


def check(values: dict[str, str], lang: str, *, full: bool = True) -> FormErrors:
    """The rules of an entry, shared by the form and the CSV import."""
    _ = translator(lang)
    errors: FormErrors = {}
    if full:
        if values.get("network", "") not in NETWORKS:
            errors["network"] = _("Choose a network from the list.")
        if not values.get("excerpt", "").strip():
            errors["excerpt"] = _("Copy the message, or the part of it that matters.")
        if (values.get("severity") or "low") not in SEVERITIES:
            errors["severity"] = _("Choose low, medium or high.")
        link = values.get("link", "").strip()
        if link and (not link.lower().startswith(("http://", "https://")) or " " in link or len(link) > LINK_MAX):
            errors["link"] = _("A link starts with http:// or https:// and has no spaces.")
    handling = values.get("handling") or "pending"
    if handling not in HANDLINGS:
        errors["handling"] = _("Choose a handling from the list.")
    elif handling == "ignored" and not values.get("reason", "").strip():
        errors["reason"] = _("Say why this message is ignored.")
    limits = {"excerpt": EXCERPT_MAX, "author": AUTHOR_MAX, "note": NOTE_MAX, "reason": NOTE_MAX}
    for name, limit in limits.items():
        if len(values.get(name, "")) > limit and name not in errors:
            errors[name] = too_long(len(values[name]), limit, lang)
    return errors


def validate(uow: UnitOfWork, req: Request, values: dict[str, str]) -> FormErrors:
    return check(values, req.language)


def validate_change(uow: UnitOfWork, req: Request, values: dict[str, str]) -> FormErrors:
    return check(values, req.language, full=False)


def submit(uow: UnitOfWork, req: Request, values: dict[str, str], _state: str) -> None:
    with uow.writing():  # the entry and its card, in one transaction
        entry_id = write_entry(uow.session, req.user_id, values, None)
        uow.queue(delivery.post_card(entry_id))
    _ = translator(req.language)
    if uow.deliver():
        text = Md.of(_("✅ Logged as #{id} and posted in the CM channel."), id=entry_id)
    else:
        text = Md.of(
            _("💾 Logged as #{id}. The CM channel cannot be reached right now; the card will follow."), id=entry_id
        )
    req.reply.reply(Message(text=text))


def click(uow: UnitOfWork, req: Request, handling: str, value: str) -> None:
    entry_id = int(value) if value.isdigit() else 0
    with uow.reading() as s:
        entry = s.get(ModerationEntry, entry_id)
    _ = translator(req.language)
    if entry is None:
        req.reply.reply(Message(text=Md.of(_("This entry no longer exists."))))
    elif handling in ("ignored", "note"):
        req.reply.open_form(
            log_form(req.language, entry_id=entry_id, handling="ignored" if handling == "ignored" else entry.handling)
        )
    else:
        change(uow, req, entry_id, {"handling": handling})


def submit_change(uow: UnitOfWork, req: Request, values: dict[str, str], state: str) -> None:
    change(uow, req, int(state), values, with_note=True)


def change(uow: UnitOfWork, req: Request, entry_id: int, values: dict[str, str], *, with_note: bool = False) -> None:
    """A button changes the handling once (a double click is a no-op); the form may also add a note."""
    handling = values["handling"]
    note, reason = values.get("note", "").strip(), values.get("reason", "").strip()
    with uow.writing():
        mark(uow, entry_id, handling, req.user_id, note=note, reason=reason, again=with_note)
    if uow.owes:
        return
    _ = translator(req.language)
    req.reply.reply(
        Message(
            text=Md.of(
                _("ℹ️ Nothing changed: #{id} is already {h}."), id=entry_id, h=handling_label(handling, req.language)
            )
        )
    )


def mark(uow: UnitOfWork, entry_id: int, handling: str, actor: str, *, note: str = "", reason: str = "",
         again: bool = False) -> bool:  # fmt: skip
    """The entry's handling set, with its event and its card's update, in the caller's
    transaction (`uow.writing()`); False when it was so already (`again`: a new event anyway,
    as a note or a second reply)."""
    s = uow.session
    query = update(ModerationEntry).where(ModerationEntry.id == entry_id)
    if not again:
        query = query.where(ModerationEntry.handling != handling)
    fields: dict[str, object] = {"handling": handling, "handled_by": actor}
    if handling == "ignored":
        fields["reason"] = reason
    if not changed(s, query.values(**fields)):
        return False
    event = ModerationEvent(entry_id=entry_id, handling=handling, actor_id=actor, note=note)
    s.add(event)
    s.flush()
    uow.queue(delivery.update_card(entry_id, f"event:{event.id}"))
    return True


def listing(uow: UnitOfWork, req: Request, *, only_open: bool) -> None:
    lang = req.language
    _ = translator(lang)
    with uow.reading() as s:
        query = select(ModerationEntry)
        if only_open:
            query = query.where(ModerationEntry.handling.in_(OPEN)).order_by(ModerationEntry.seen_at)
        else:
            query = query.order_by(ModerationEntry.seen_at.desc())
        entries = list(s.scalars(query.limit(LIST_MAX + 1)))
    if not entries:
        empty = (
            _("No open entry: everything seen was handled.")
            if only_open
            else _("The moderation log is empty. /cm log adds an entry.")
        )
        req.reply.reply(Message(text=Md.of(empty)))
        return
    title = _("Open moderation entries, oldest first") if only_open else _("Latest moderation entries")
    lines = [entry_line(e, lang, uow.team.timezone) for e in entries[:LIST_MAX]]
    if len(entries) > LIST_MAX:
        lines.append(Md.of(_("… more in `relais export moderation`.")))
    req.reply.reply(Message(title=title, text=Md.join(lines)))
