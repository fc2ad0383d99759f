"""`/cm watch words`: the CM's own words that mark a message negative in the tone hint,
whatever the lexicon thinks ("arnaque", a rival's name, a local nickname). They weigh on
the messages collected after them; nothing already collected is re-read."""

from __future__ import annotations

from sqlalchemy import delete, select

from handlers.core.context import Request
from handlers.core.i18n import translator
from handlers.core.messages import Md, Message
from handlers.core.once import insert_or_ignore
from handlers.core.text import fold, unique_phrases
from handlers.core.work import UnitOfWork
from handlers.watch.tables import WatchWord

WORD_MAX = 100


def listing(uow: UnitOfWork, req: Request, rest: str) -> None:
    _ = translator(req.language)
    if rest.strip():
        req.reply.reply(Message(text=Md.of(_("Use /cm watch words, /cm watch words add word, word or "
                                             "/cm watch words remove word."))))  # fmt: skip
        return
    with uow.reading() as s:
        written = list(s.scalars(select(WatchWord.written).order_by(WatchWord.word)))
    if not written:
        req.reply.reply(Message(text=Md.of(_("No word of yours yet: the hint reads with its lexicons only. "
                                             "Add one with /cm watch words add word, word"))))  # fmt: skip
        return
    req.reply.reply(
        Message(title=_("Your words that mark a message negative"), text=Md.of("{w}", w=", ".join(written)))
    )


def add(uow: UnitOfWork, req: Request, rest: str) -> None:
    _ = translator(req.language)
    wanted = unique_phrases(rest.split(","))
    if not wanted:
        req.reply.reply(Message(text=Md.of(_("Which words? /cm watch words add arnaque, honte"))))
        return
    if any(len(w) > WORD_MAX for w in wanted):
        req.reply.reply(Message(text=Md.of(_("Too long: a word or phrase has at most {n} characters."), n=WORD_MAX)))
        return
    with uow.writing() as s:
        adding = insert_or_ignore(WatchWord, "word", s.get_bind().dialect.name)
        s.execute(adding, [{"word": fold(w), "written": w, "added_by": req.user_id, "added_at": uow.clock()}
                           for w in wanted])  # fmt: skip
    req.reply.reply(Message(text=Md.of(_("✅ Added: {words}. The messages collected from now on are read with them."),
                                       words=", ".join(wanted))))  # fmt: skip


def remove(uow: UnitOfWork, req: Request, rest: str) -> None:
    _ = translator(req.language)
    wanted = unique_phrases(rest.split(","))
    with uow.writing() as s:
        gone = list(s.scalars(select(WatchWord.written).where(WatchWord.word.in_([fold(w) for w in wanted]))))
        s.execute(delete(WatchWord).where(WatchWord.word.in_([fold(w) for w in wanted])))
    if not gone:
        req.reply.reply(Message(text=Md.of(_("None of these is in your words: /cm watch words lists them."))))
        return
    req.reply.reply(Message(text=Md.of(_("🗑️ Removed: {words}."), words=", ".join(gone))))
