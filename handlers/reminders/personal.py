"""Anyone's own reminders: `/cm remind` (a form), `/cm remind list`, `/cm remind delete N`.
A reminder's rhythm is a trigger APScheduler computes in the team's time zone, so
"every Monday at 9:00" stays at 9:00 across daylight saving; each occurrence is an
outbox row keyed by the reminder and the day it goes out."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from handlers.core.context import Request
from handlers.core.dates import read_rhythm, write_day_in_full, write_moment_in_full
from handlers.core.i18n import N_, too_long, translator
from handlers.core.messages import Field, Form, FormErrors, Md, Message, Option, UserRef
from handlers.core.once import changed
from handlers.core.ports import ChatError
from handlers.core.schedule import holiday_name
from handlers.core.work import UnitOfWork
from handlers.reminders.rhythm import next_at
from handlers.reminders.tables import Reminder

TEXT_MAX = 1000
LIST_MAX = 25
TARGETS = {"me": N_("Me"), "channel": N_("This channel"), "person": N_("A person")}
REPEATS = {
    "never": N_("Once"),
    "daily": N_("Every day"),
    "workdays": N_("Working days (Monday to Friday)"),
    "weekly": N_("Every week"),
    "monthly": N_("Every month"),
}
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def command(uow: UnitOfWork, req: Request, rest: str) -> None:
    req.reply.open_form(_form(req.language))


def _form(lang: str) -> Form:
    _ = translator(lang)
    return Form(
        form_id="reminders.new",
        title=_("New reminder"),
        submit=_("Save"),
        fields=[
            Field("target", _("For"), kind="select", options=[Option(k, _(v)) for k, v in TARGETS.items()],
                  initial="me"),
            Field("person", _("Person"), kind="person", optional=True, hint=_("Only if the reminder is for a person"),
                  needed_when=("target", "person")),
            Field("text", _("Reminder"), kind="paragraph", max_length=TEXT_MAX),
            Field("when", _("First time"), hint=_("e.g. tomorrow 9am, in 2 hours, every monday 9am, 12/12 14:30")),
            Field("repeat", _("Repeat"), kind="select", options=[Option(k, _(v)) for k, v in REPEATS.items()],
                  initial="never"),
        ],
        language=lang,
    )  # fmt: skip


def validate(uow: UnitOfWork, req: Request, values: dict[str, str]) -> FormErrors:
    return _checked(uow, req, values)[0]


def _checked(uow: UnitOfWork, req: Request, values: dict[str, str]) -> tuple[FormErrors, datetime | None, str]:
    """The form's errors, the first time it asks for and its rhythm: chosen in Repeat, or said
    with the first time (« tous les lundis 9h »); the two disagreeing is said, not guessed."""
    _ = translator(req.language)
    errors: FormErrors = {}
    text = values.get("text", "").strip()
    if not text:
        errors["text"] = _("Write what to remind.")
    elif len(text) > TEXT_MAX:
        errors["text"] = too_long(len(text), TEXT_MAX, req.language)
    target = values.get("target") or "me"
    if target not in TARGETS:
        errors["target"] = _("Choose who the reminder is for.")
    typed = values.get("person", "").strip()
    if target == "person" and not typed:
        errors["person"] = _("Choose the person.")
    elif target == "person" and uow.chat.person(typed) is None:
        errors["person"] = _("I do not know “{who}”: choose someone who uses Relais.").format(who=typed)
    chosen = values.get("repeat") or "never"
    if chosen not in REPEATS:
        errors["repeat"] = _("Choose how often.")
    moment, said_repeat, problem = read_rhythm(values.get("when", ""), uow.team.timezone, req.language, uow.clock())
    if moment is None:
        errors["when"] = problem
    if said_repeat and chosen not in ("never", said_repeat):
        errors["repeat"] = _("“{when}” says {said}, Repeat says {chosen}: keep one of them.").format(
            when=" ".join(values.get("when", "").split()), said=_(REPEATS[said_repeat]).lower(),
            chosen=_(REPEATS[chosen]).lower(),
        )  # fmt: skip
    return errors, moment, said_repeat or chosen


def submit(uow: UnitOfWork, req: Request, values: dict[str, str], _state: str) -> None:
    errors, moment, repeat = _checked(uow, req, values)
    if errors or moment is None:  # the console and a replayed request come here without the platform's check
        req.reply.reply(Message(text=Md.of("⚠️ {e}", e=" ".join(errors.values()))))
        return
    target = values.get("target") or "me"
    if target == "person":
        target_id = uow.chat.person(values.get("person", "").strip()) or ""
    else:
        target_id = req.user_id if target == "me" else req.channel_id
    if target == "channel" and not _can_post(uow, target_id):
        _ = translator(req.language)
        said = _("⚠️ I am not in this channel, so I could not post the reminder here. Invite me to it "
                 "(or choose “Me” or a person), then try again. Your text:\n> {t}")  # fmt: skip
        req.reply.reply(Message(text=Md.of(said, t=values["text"].strip())))
        return
    with uow.writing():
        reminder = Reminder(owner_id=req.user_id, target=target, target_id=target_id, text=values["text"].strip(),
                            first_at=moment, repeat=repeat)  # fmt: skip
        uow.session.add(reminder)
        uow.session.flush()
        first = next_at(reminder, uow, uow.clock())
    _tell_saved(uow, req, reminder, first)


def _can_post(uow: UnitOfWork, channel: str) -> bool:
    try:
        return uow.chat.can_post(channel)
    except ChatError:
        return True  # the platform did not say: the reminder is kept, and its delivery will tell


def _tell_saved(uow: UnitOfWork, req: Request, reminder: Reminder, first: datetime | None) -> None:
    """The receipt: where, how often, and when first, said off a public holiday when it was moved."""
    _ = translator(req.language)
    moment = reminder.first_at
    where = {"me": _("for you"), "channel": _("in this channel"), "person": _("for {who}")}[reminder.target]
    tz, asked = uow.team.timezone, moment.astimezone(uow.team.timezone).date()
    text = Md.of(
        _("⏰ Reminder #{n} saved, {where}: {repeat}, first on {when}."),
        n=reminder.id,
        where=Md.of(where, who=UserRef(reminder.target_id)),
        repeat=_(REPEATS[reminder.repeat]).lower(),
        when=write_moment_in_full(first or moment, tz, req.language),
    )
    holiday = holiday_name(asked, uow.team.holidays_country, req.language)
    if first is not None and holiday and first.astimezone(tz).date() != asked:  # moved off a public holiday: say why
        note = _("{day} is a public holiday ({name}): no reminder goes out that day.")
        text = Md.of("{t} {n}", t=text, n=Md.of(note, day=write_day_in_full(asked, req.language), name=holiday))
    req.reply.reply(Message(text=text))


def listing(uow: UnitOfWork, req: Request, rest: str) -> None:
    _ = translator(req.language)
    with uow.reading() as s:
        mine = list(
            s.scalars(
                select(Reminder)
                .where(Reminder.owner_id == req.user_id, Reminder.deleted_at.is_(None))
                .order_by(Reminder.id)
                .limit(LIST_MAX)
            )
        )
    now = uow.clock()
    lines = []
    for r in mine:
        upcoming = next_at(r, uow, now)
        lines.append(
            Md.of(
                _("• #{n} {text} — {repeat} — next: {when}"),
                n=r.id,
                text=r.text.splitlines()[0][:80],
                repeat=_(REPEATS[r.repeat]).lower(),
                when=write_moment_in_full(upcoming, uow.team.timezone, req.language) if upcoming else _("none (done)"),
            )
        )
    if not lines:
        req.reply.reply(Message(text=Md.of(_("You have no reminder. Type /cm remind to set one."))))
        return
    hint = _("Delete one with /cm remind delete N.")
    req.reply.reply(Message(text=Md.of("**{h}**\n{l}\n{hint}", h=_("Your reminders"), l=Md.join(lines), hint=hint)))


def delete(uow: UnitOfWork, req: Request, rest: str) -> None:
    _ = translator(req.language)
    number = rest.strip().lstrip("#")
    if not number.isdigit():
        req.reply.reply(Message(text=Md.of(_("Which reminder? Type /cm remind delete N; /cm remind list gives N."))))
        return
    with uow.writing():
        reminder = uow.session.get(Reminder, int(number))
        allowed = reminder is not None and (reminder.owner_id == req.user_id or req.cm)
        gone = allowed and changed(
            uow.session,
            update(Reminder)
            .where(Reminder.id == int(number), Reminder.deleted_at.is_(None))
            .values(deleted_at=uow.clock()),
        )
    if reminder is None or (reminder.deleted_at is not None and not gone):
        text = _("There is no reminder #{n}; /cm remind list shows yours.")
    elif not allowed:
        text = _("⛔ Reminder #{n} is someone else's: only they, the CM or an admin can delete it.")
    else:
        text = _("🗑️ Reminder #{n} deleted.")
    req.reply.reply(Message(text=Md.of(text.format(n=number))))
