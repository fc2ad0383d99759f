"""Leaders send news to the CM: `/news <text>`, `/news` (form), `/news mine`."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import IO

from sqlalchemy import select

from handlers.core.context import Request
from handlers.core.dates import read_date, write_day_in_full
from handlers.core.i18n import N_, number, translator
from handlers.core.messages import FormErrors, Md, Message
from handlers.core.sheets import Column, Sheet, local, write
from handlers.core.work import UnitOfWork
from handlers.news import delivery, sources
from handlers.news.cards import CATEGORIES, STATUSES, decision_card, news_line
from handlers.news.form import BODY_MAX, LINKS_MAX, TITLE_MAX, news_form
from handlers.news.linked import form_values
from handlers.news.tables import News, NewsEvent

LIST_MAX = 20
CARDS_MAX = 5  # waiting items shown with their buttons by /cm queue


def command(uow: UnitOfWork, req: Request, text: str) -> None:
    """`/news` alone: the form; with a link to a message: the form prefilled from it; else at once."""
    text = text.strip()
    found = form_values(uow, req, text) if text else None
    if not text:
        req.reply.open_form(news_form(req.language))
    elif found is not None:
        req.reply.open_form(news_form(req.language, found[0], state=found[1]))
    else:
        quick_submit(uow, req, text)


def open_form(uow: UnitOfWork, req: Request, _verb: str, _value: str) -> None:
    req.reply.open_form(news_form(req.language))


def _length_errors(lang: str, values: dict[str, str]) -> FormErrors:
    _ = translator(lang)
    limits = {
        "title": (TITLE_MAX, _("The title has {size} characters; the limit is {limit}.")),
        "body": (BODY_MAX, _("The text has {size} characters; the limit is {limit}.")),
        "links": (LINKS_MAX, _("The links have {size} characters; the limit is {limit}.")),
    }
    return {
        name: message.format(size=number(len(values.get(name, "")), lang), limit=number(limit, lang))
        for name, (limit, message) in limits.items()
        if len(values.get(name, "")) > limit
    }


def validate(uow: UnitOfWork, req: Request, values: dict[str, str]) -> FormErrors:
    _ = translator(req.language)
    errors = _length_errors(req.language, values)
    if not values.get("title", "").strip():
        errors["title"] = _("Please give a title.")
    if values.get("category", "other") not in CATEGORIES:
        errors["category"] = _("Please choose a category from the list.")
    wished = values.get("wished_date", "")
    if wished.strip():
        _day, problem = read_date(wished, uow.team.timezone, req.language, uow.today())
        if problem:
            errors["wished_date"] = problem
    bad_links = [
        w
        for w in values.get("links", "").replace(",", " ").split()
        if not w.lower().startswith(("http://", "https://"))
    ]
    if bad_links:
        errors["links"] = _("Links must start with http:// or https:// (check: {link}).").format(link=bad_links[0])
    return errors


def submit_form(uow: UnitOfWork, req: Request, values: dict[str, str], state: str = "") -> None:
    """The news form; its state names the message it was opened from, if any (a shortcut)."""
    wished = values.get("wished_date", "")
    source = sources.read(uow, state)
    _store_and_send(
        uow,
        req,
        title=values["title"].strip(),
        body=values.get("body", "").strip(),
        category=values.get("category") or "other",
        wished_date=read_date(wished, uow.team.timezone, req.language, uow.today())[0] if wished.strip() else None,
        links=" ".join(values.get("links", "").replace(",", " ").split()),
        source=source,
    )


def quick_submit(uow: UnitOfWork, req: Request, text: str) -> None:
    """First line is the title, the rest the body. Too long: say the limit, store nothing,
    and give the text back so the volunteer can shorten it without retyping."""
    title, _sep, body = text.partition("\n")
    _ = translator(req.language)
    errors = _length_errors(req.language, {"title": title.strip(), "body": body.strip()})
    if errors:
        hint = _("Nothing was saved. Shorten it, or type /news alone to use the form. Your text:")
        req.reply.reply(Message(text=Md.of("⚠️ {e}\n{h}\n> {t}", e=" ".join(errors.values()), h=hint, t=text)))
        return
    _store_and_send(uow, req, title=title.strip(), body=body.strip(), category="other", wished_date=None, links="")


def _store_and_send(
    uow: UnitOfWork,
    req: Request,
    *,
    title: str,
    body: str,
    category: str,
    wished_date: date | None,
    links: str,
    source: sources.Source | None = None,
) -> None:
    with uow.writing():
        news = News(
            source_author=source.author if source else None,
            source_link=source.link if source else None,
            author_id=req.user_id,
            title=title,
            body=body,
            category=category,
            wished_date=wished_date,
            links=links,
            events=[NewsEvent(kind="new", actor_id=req.user_id)],
        )
        uow.session.add(news)
        uow.session.flush()  # one flush writes both, and gives the id
        news_id = news.id
        uow.queue(delivery.post_card(news_id))
    _tell_sent(req, news_id, title, wished_date, delivered=bool(uow.deliver()))


def _tell_sent(req: Request, news_id: int, title: str, wished_date: date | None, *, delivered: bool) -> None:
    """The submitter's receipt: sent to the CM, or kept until the CM's channel answers."""
    _ = translator(req.language)
    if delivered:
        text = Md.of(_("✅ Sent to the CM: “{title}” (#{id}). Follow it with /news mine."), title=title, id=news_id)
        if wished_date:
            text = Md.join(
                [text, Md.of(_("Wished publication date: {day}."), day=write_day_in_full(wished_date, req.language))]
            )
    else:
        text = Md.of(
            _(
                "💾 Saved as #{id}: “{title}”. The CM's channel cannot be reached right now; "
                "I will deliver it automatically and tell you when it is done."
            ),
            title=title,
            id=news_id,
        )
    req.reply.reply(Message(text=text))


def mine(uow: UnitOfWork, req: Request, _args: str) -> None:
    lang = req.language
    with uow.reading() as s:
        items = list(
            s.scalars(select(News).where(News.author_id == req.user_id).order_by(News.id.desc()).limit(LIST_MAX))
        )
    _ = translator(lang)
    if not items:
        text = Md.of(
            _("You have not sent any news yet. Type /news followed by your text, or /news alone for the form.")
        )
    else:
        text = Md.of(
            "**{h}**\n{l}", h=_("Your news"), l=Md.join([news_line(n, lang, uow.team.timezone) for n in items])
        )
    req.reply.reply(Message(text=text))


def queue(uow: UnitOfWork, req: Request, _args: str) -> None:
    """Pending items, oldest first: what the CM still has to decide."""
    lang = req.language
    _ = translator(lang)
    with uow.reading() as s:
        items = list(
            s.scalars(select(News).where(News.status.in_(("new", "needs_info"))).order_by(News.id).limit(LIST_MAX + 1))
        )
    if not items:
        req.reply.reply(Message(text=Md.of(_("🎉 No news waiting for a decision."))))
        return
    if len(items) <= CARDS_MAX:  # every one comes with its buttons below: no list to repeat them
        req.reply.reply(Message(text=Md.of(_("**News waiting for a decision:** {n}"), n=number(len(items), lang))))
    else:
        lines = [news_line(n, lang, uow.team.timezone, with_author=True) for n in items[:LIST_MAX]]
        if len(items) > LIST_MAX:
            lines.append(Md.of(_("… and more: decide on these first.")))
        lines.append(Md.of(_("The {k} oldest below, with their buttons."), k=CARDS_MAX))
        req.reply.reply(Message(text=Md.of("**{h}**\n{l}", h=_("News waiting for a decision"), l=Md.join(lines))))
    for news in items[:CARDS_MAX]:  # the oldest, each with its buttons
        req.reply.reply(decision_card(news, lang, uow.team.timezone))


EXPORT = Sheet(
    N_("News"),
    [
        Column("id", N_("id"), 6),
        Column("created_at", N_("sent at"), 19, "moment"),
        Column("author_id", N_("sent by"), 12),
        Column("title", N_("title"), 40),
        Column("body", N_("text"), 60),
        Column("category", N_("category"), 14),
        Column("wished_date", N_("wished date"), 12, "day"),
        Column("links", N_("links"), 40),
        Column("status", N_("status"), 14),
        Column("scheduled_for", N_("scheduled for"), 12, "day"),
    ],
)


def export_rows(uow: UnitOfWork, path: Path | None, out: IO[str] | None = None) -> int:
    """`relais export news`: every item with its current status, for a spreadsheet."""
    lang, tz = uow.team.language, uow.team.timezone
    _ = translator(lang)
    with uow.reading() as s:
        rows = (
            [
                n.id,
                local(n.created_at, tz),
                n.author_id,
                n.title,
                n.body,
                _(CATEGORIES.get(n.category, CATEGORIES["other"])),
                n.wished_date,
                n.links,
                _(STATUSES[n.status]),
                n.scheduled_for,
            ]
            for n in s.scalars(select(News).order_by(News.id).execution_options(yield_per=1000))
        )
        return write(path, out, EXPORT, rows, lang)
