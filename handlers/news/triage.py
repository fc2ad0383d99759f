"""The CM's decisions on a news item, and the submitter's answer to a question.

Each change is a compare-and-set on the status: a double click, a retried
request or two CMs at once change the item once and DM the submitter once.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import update

from handlers.core.context import Request
from handlers.core.dates import read_date, write_moment
from handlers.core.i18n import N_, too_long, translator
from handlers.core.messages import Field, Form, FormErrors, Md, Message, UserRef
from handlers.core.once import changed
from handlers.core.registry import Access
from handlers.core.work import UnitOfWork
from handlers.news import delivery
from handlers.news.cards import STATUSES
from handlers.news.tables import News, NewsEvent

NOTE_MAX = 1000

# action -> (new status, statuses it may come from)
TRANSITIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "approve": ("approved", ("new", "needs_info")),
    "schedule": ("scheduled", ("new", "needs_info", "approved", "scheduled")),
    "ask": ("needs_info", ("new",)),
    "reject": ("rejected", ("new", "needs_info", "approved", "scheduled")),
    "publish": ("published", ("approved", "scheduled")),
    "answer": ("new", ("needs_info",)),
}

# Decisions that need words (or a date) first open a form.
FORMS: dict[str, tuple[str, list[tuple[str, str, str, bool]]]] = {
    # action: (title, [(field, label, kind, optional)])
    "schedule": (
        N_("Schedule the news"),
        [("date", N_("Publication date"), "date", False), ("note", N_("Note for the submitter"), "paragraph", True)],
    ),
    "ask": (N_("Ask for information"), [("note", N_("Question for the author"), "paragraph", False)]),
    "reject": (N_("Reject the news"), [("note", N_("Reason for rejecting"), "paragraph", False)]),
    "answer": (N_("Answer the CM"), [("note", N_("Your answer"), "paragraph", False)]),
}


def _missing(req: Request, news: News | None) -> str | None:
    """None when the item is there, else what to say. Who may act on it is declared
    (feature.py: the CM decides, the author answers)."""
    return translator(req.language)("This news item no longer exists.") if news is None else None


def is_author(uow: UnitOfWork, req: Request, news_id: str) -> bool:
    """The person who sent the news (a vanished item is let through: the use case says it is gone)."""
    with uow.reading() as s:
        news = s.get(News, int(news_id)) if news_id.isdigit() else None
    return news is None or news.author_id == req.user_id


AUTHOR = Access(is_author, N_("⛔ Only the person who sent this news can answer."))


def click(uow: UnitOfWork, req: Request, action: str, value: str) -> None:
    """A button in the queue (or the Answer button in a DM)."""
    news_id = int(value) if value.isdigit() else 0
    with uow.reading() as s:
        news = s.get(News, news_id)
    refusal = _missing(req, news)
    if refusal:
        req.reply.reply(Message(text=Md.of(refusal)))
        return
    assert news is not None
    if action in FORMS:
        if news.status not in TRANSITIONS[action][1]:
            _already(uow, req, news)
            return
        req.reply.open_form(_form(action, news.id, req.language))
        return
    change(uow, req, action, news_id)


def _form(action: str, news_id: int, lang: str) -> Form:
    _ = translator(lang)
    title, fields = FORMS[action]
    return Form(
        form_id=f"news.{action}",
        title=_(title),
        submit=_("Send"),
        fields=[
            Field(n, _(label), kind=kind, optional=opt, max_length=NOTE_MAX if kind != "date" else None)  # type: ignore[arg-type]
            for n, label, kind, opt in fields
        ],
        state=str(news_id),
        language=lang,
    )


def validate(uow: UnitOfWork, req: Request, action: str, values: dict[str, str]) -> FormErrors:
    _ = translator(req.language)
    errors: FormErrors = {}
    for name, _label, kind, optional in FORMS[action][1]:
        value = values.get(name, "").strip()
        if not value and not optional:
            errors[name] = _("This field is required.")
        elif kind == "date" and value:
            problem = read_date(value, uow.team.timezone, req.language, uow.today())[1]
            if problem:
                errors[name] = problem
        elif len(value) > NOTE_MAX:
            errors[name] = too_long(len(value), NOTE_MAX, req.language)
    return errors


def submit(uow: UnitOfWork, req: Request, action: str, values: dict[str, str], state: str) -> None:
    when = values.get("date", "")
    change(
        uow,
        req,
        action,
        int(state),
        note=values.get("note", "").strip(),
        on=read_date(when, uow.team.timezone, req.language, uow.today())[0] if when.strip() else None,
    )


def change(uow: UnitOfWork, req: Request, action: str, news_id: int, *, note: str = "", on: date | None = None) -> None:
    status, sources = TRANSITIONS[action]
    refusal, already = None, None
    # Decide and write inside the transaction; speak to the person only once it is closed,
    # so a slow platform never holds the database's write lock.
    with uow.writing():
        s = uow.session
        news = s.get(News, news_id)
        refusal = _missing(req, news)
        values: dict[str, object] = {"status": status}
        if on is not None:
            values["scheduled_for"] = on
        moved = refusal is None and changed(
            s, update(News).where(News.id == news_id, News.status.in_(sources)).values(**values)
        )
        if refusal is None and not moved:  # nothing was written: the item had already moved on
            already = s.get(News, news_id, populate_existing=True)
        if moved:
            event = NewsEvent(
                news_id=news_id, kind="answer" if action == "answer" else status, actor_id=req.user_id, note=note
            )
            s.add(event)
            s.flush()
            uow.queue(*delivery.after_change(news_id, event.id, answer=action == "answer"))
    uow.deliver()  # the card and the DM first: the answer below comes after them, as before
    if refusal:
        req.reply.reply(Message(text=Md.of(refusal)))
        return
    if already is not None:
        _already(uow, req, already)
        return
    if action == "answer":
        _ = translator(req.language)
        req.reply.reply(Message(text=Md.of(_("✅ Thank you, your answer was passed on to the CM."))))


def _already(uow: UnitOfWork, req: Request, news: News | None) -> None:
    """The item moved on before this click: say so, change nothing."""
    assert news is not None
    lang = req.language
    _ = translator(lang)
    last = news.events[-1]
    text = Md.of(
        _("ℹ️ Nothing changed: “{title}” is already {status} (by {who}, {when})."),
        title=news.title,
        status=_(STATUSES[news.status]),
        who=UserRef(last.actor_id),
        when=write_moment(last.at, lang, uow.team.timezone),
    )
    req.reply.reply(Message(text=text))
