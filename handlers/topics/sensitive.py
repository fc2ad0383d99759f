"""The registry of sensitive topics: `/cm topics`, `/cm topics add Name: kw, kw`,
`/cm topics remove Name`. Keywords match whole words, whatever the case,
accents or plural; a keyword may be several words ("fusion des antennes")."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from handlers.core.context import Request
from handlers.core.i18n import translator
from handlers.core.messages import Md, Message
from handlers.core.text import fold, unique_phrases, words
from handlers.core.work import UnitOfWork
from handlers.topics.tables import Topic

NAME_MAX = 80
KEYWORDS_MAX = 1000


def all_topics(session: Session) -> list[Topic]:
    return list(session.scalars(select(Topic).order_by(Topic.name)))


def _phrases(topic: Topic) -> list[list[str]]:
    raw = [topic.name, *topic.keywords.split(",")]
    return [w for w in (words(k) for k in raw) if w]


def matches(text: str, topics: list[Topic]) -> list[str]:
    """Names of the topics whose name or a keyword appears in the text as whole words."""
    return matcher(topics)(text)


def matcher(topics: list[Topic]) -> Callable[[str], list[str]]:
    """`matches` with the topics' phrases prepared once, for many texts (an import)."""
    phrases = [(t.name, [" " + " ".join(p) + " " for p in _phrases(t)]) for t in topics]

    def match(text: str) -> list[str]:
        if not phrases:
            return []
        joined = " " + " ".join(words(text)) + " "
        return [name for name, spelled in phrases if any(p in joined for p in spelled)]

    return match


def command(uow: UnitOfWork, req: Request, args: str) -> None:
    """`/cm topics`: the list; other words get the usage."""
    _ = translator(req.language)
    if args:
        req.reply.reply(
            Message(text=Md.of(_("Use /cm topics, /cm topics add Name: keyword, keyword or /cm topics remove Name.")))
        )
    else:
        req.reply.reply(listing(uow, req.language))


def add_command(uow: UnitOfWork, req: Request, args: str) -> None:
    req.reply.reply(add(uow, req, args, req.language))


def remove_command(uow: UnitOfWork, req: Request, args: str) -> None:
    req.reply.reply(remove(uow, args, req.language))


def listing(uow: UnitOfWork, lang: str) -> Message:
    _ = translator(lang)
    with uow.reading() as s:
        topics = all_topics(s)
    if not topics:
        return Message(
            text=Md.of(_("No sensitive topic yet. The CM adds one with /cm topics add Name: keyword, keyword"))
        )
    lines = [Md.of("⚠ **{n}** — {k}", n=t.name, k=t.keywords or "—") for t in topics]
    return Message(title=_("Sensitive topics"), text=Md.join(lines))


def add(uow: UnitOfWork, req: Request, text: str, lang: str) -> Message:
    _ = translator(lang)
    name, colon, keywords = text.partition(":")
    name = " ".join(name.split())
    cleaned = _unique_keywords(keywords.split(","))
    if not name or not colon or not cleaned:
        return Message(
            text=Md.of(_("Give a name, then the keywords: /cm topics add Fusion des antennes: fusion, regroupement"))
        )
    if len(name) > NAME_MAX or len(cleaned) > KEYWORDS_MAX:
        return Message(
            text=Md.of(
                _("Too long: the name has at most {n} characters, the keywords {k}."), n=NAME_MAX, k=KEYWORDS_MAX
            )
        )
    try:
        with uow.writing():
            s = uow.session
            same = [t for t in all_topics(s) if fold(t.name) == fold(name)]
            if same:
                same[0].keywords = _unique_keywords([*same[0].keywords.split(","), *cleaned.split(",")])
                name = same[0].name
            else:
                s.add(Topic(name=name, keywords=cleaned, created_by=req.user_id))
    except IntegrityError:  # the same name added at the same moment by someone else
        return Message(text=Md.of(_("This topic already exists: {name}."), name=name))
    with uow.reading() as s:
        topic = s.scalar(select(Topic).where(Topic.name == name))
    assert topic is not None
    return Message(
        text=Md.of(_("✅ Sensitive topic ⚠ **{name}**, keywords: {k}"), name=topic.name, k=topic.keywords or "—")
    )


def _unique_keywords(keywords: list[str]) -> str:
    return ", ".join(unique_phrases(keywords))


def remove(uow: UnitOfWork, name: str, lang: str) -> Message:
    _ = translator(lang)
    if not name.strip():
        return Message(text=Md.of(_("Which topic? Give its name: /cm topics remove Name (/cm topics lists them).")))
    with uow.writing() as s:
        ids = [t.id for t in all_topics(s) if fold(t.name) == fold(name.strip())]
        if ids:
            s.execute(delete(Topic).where(Topic.id.in_(ids)))
    if not ids:
        return Message(text=Md.of(_("No topic is called “{name}”. /cm topics lists them."), name=name.strip()))
    return Message(text=Md.of(_("🗑️ Topic “{name}” removed. Entries already logged keep it."), name=name.strip()))
