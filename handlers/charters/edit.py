"""The association's charters: the CM's role, moderation, speaking. Every
version is kept with who and when; the newest of a kind and language is in force.
`/cm charter [moderation|speaking] [edit|history]`, `/cm charter edit <kind>`."""

from __future__ import annotations

from sqlalchemy import func, select

from handlers.charters.defaults import DEFAULTS, SAVED, TITLES
from handlers.charters.tables import Charter
from handlers.core.context import Request
from handlers.core.dates import write_moment
from handlers.core.i18n import translator
from handlers.core.messages import Field, Form, FormErrors, Md, Message, UserRef
from handlers.core.work import UnitOfWork

CHARTER_MAX = 3000
KINDS = ("moderation", "speaking")  # shown by /cm charter; "role" has /cm role


def current(uow: UnitOfWork, kind: str, lang: str) -> tuple[str, int]:
    """The association's charter and its version number. One text and one history per
    kind, whatever the language it was written in or is read in; until the CM's first
    edit, the shipped default in the reader's language (version 0)."""
    with uow.reading() as s:
        latest = s.scalars(select(Charter).where(Charter.kind == kind).order_by(Charter.id.desc()).limit(1)).first()
        count = s.scalar(select(func.count()).select_from(Charter).where(Charter.kind == kind))
    return (latest.text, count or 0) if latest else (translator(lang)(DEFAULTS[kind]), 0)


def _kinds(args: str) -> list[str] | None:
    """The charters a command's argument names (none: both), or None if it names another."""
    words = args.casefold().split()
    kinds = [w for w in words if w in KINDS]
    return None if len(kinds) != len(words) else kinds or list(KINDS)


def _unknown(req: Request) -> None:
    _ = translator(req.language)
    req.reply.reply(
        Message(text=Md.of(_("I know the charters “moderation” and “speaking”, e.g. /cm charter moderation.")))
    )


def show(uow: UnitOfWork, req: Request, args: str) -> None:
    """`/cm charter [moderation|speaking]`."""
    kinds = _kinds(args)
    if kinds is None:
        _unknown(req)
        return
    _ = translator(req.language)
    for kind in kinds:
        text, version = current(uow, kind, req.language)
        req.reply.reply(
            Message(title=_(TITLES[kind]), text=Md.text(text), context=_version_line(version, req.language))
        )


def history_command(uow: UnitOfWork, req: Request, args: str) -> None:
    """`/cm charter history [moderation|speaking]`."""
    kinds = _kinds(args)
    if kinds is None:
        _unknown(req)
        return
    for kind in kinds:
        req.reply.reply(history(uow, kind, req.language))


def edit_command(uow: UnitOfWork, req: Request, args: str) -> None:
    """`/cm charter edit moderation|speaking` (CM)."""
    kinds = _kinds(args)
    if kinds is None or len(kinds) != 1:
        _ = translator(req.language)
        req.reply.reply(
            Message(text=Md.of(_("Which charter? /cm charter edit moderation or /cm charter edit speaking")))
        )
        return
    edit_form(uow, req, kinds[0])


def _version_line(version: int, lang: str) -> Md:
    _ = translator(lang)
    return Md.of(_("Version {n}") if version else _("Default text, not yet adapted by the CM"), n=version)


def history(uow: UnitOfWork, kind: str, lang: str) -> Message:
    _ = translator(lang)
    with uow.reading() as s:
        versions = list(s.scalars(select(Charter).where(Charter.kind == kind).order_by(Charter.id)))
    lines = [
        Md.of(
            _("• version {n} by {who} on {when}"),
            n=i,
            who=UserRef(v.author_id),
            when=write_moment(v.created_at, lang, uow.team.timezone),
        )
        for i, v in enumerate(versions, 1)
    ] or [Md.of(_("No version yet: the default text is in force."))]
    return Message(title=_("History: {title}").format(title=_(TITLES[kind])), text=Md.join(lines))


def edit_form(uow: UnitOfWork, req: Request, kind: str) -> None:
    lang = req.language
    _ = translator(lang)
    text, _version = current(uow, kind, lang)
    hint = (
        _("One item per line: “+ ” in the role, “- ” not in the role, “-> who” where to go instead.")
        if kind == "role"
        else ""
    )
    req.reply.open_form(
        Form(
            form_id=f"charter.{kind}",
            title=_(TITLES[kind]),
            submit=_("Save"),
            fields=[Field("text", _("Charter"), kind="paragraph", max_length=CHARTER_MAX, initial=text, hint=hint)],
            state=lang,
            language=req.language or lang,
        )
    )


def validate(uow: UnitOfWork, req: Request, values: dict[str, str]) -> FormErrors:
    _ = translator(req.language)
    text = values.get("text", "").strip()
    if not text:
        return {"text": _("The charter cannot be empty.")}
    # Counted in bytes, as Mattermost counts the text a form can hold when it is edited again.
    over = len(text.encode()) - CHARTER_MAX
    if over > 0:
        return {
            "text": _("Too long by about {over} characters (accented letters count double): please shorten it.").format(
                over=over
            )
        }
    return {}


def save(uow: UnitOfWork, req: Request, kind: str, values: dict[str, str], state: str) -> None:
    lang = state if state in ("fr", "en") else uow.team.language
    _ = translator(req.language)
    text = values["text"].strip()
    with uow.writing():  # read and written in one transaction: a double submit adds one version
        latest = uow.session.scalars(
            select(Charter.text).where(Charter.kind == kind).order_by(Charter.id.desc()).limit(1)
        ).first()
        unchanged = text == (latest if latest is not None else translator(lang)(DEFAULTS[kind]).strip())
        if not unchanged:
            uow.session.add(Charter(kind=kind, language=lang, text=text, author_id=req.user_id))
    _text, version = current(uow, kind, lang)
    if unchanged:
        said = _("ℹ️ Nothing changed: the text is the one in force (version {n}); no version was added.")
        req.reply.reply(
            Message(
                text=Md.of(said if version else _("ℹ️ Nothing changed: the default text stays in force."), n=version)
            )
        )
        return
    req.reply.reply(Message(text=Md.of(_(SAVED[kind]), n=version)))
