"""What the CM does and does not do: `/cm role [question]`, `/cm role edit`, mentions.

The charter is plain text the CM can edit. Lines starting with `+ ` are in the
CM's role, lines starting with `- ` are not, and `-> who` at the end of a line
says where to go instead. Questions are matched on words, forgiving case,
accents and plurals.
"""

from __future__ import annotations

from dataclasses import dataclass

import snowballstemmer

from handlers.charters import edit as charters
from handlers.charters.defaults import DEFAULTS
from handlers.core.context import Request
from handlers.core.i18n import LANGUAGES, translator
from handlers.core.messages import FormErrors, Md, Message
from handlers.core.text import words
from handlers.core.work import UnitOfWork

KIND = "role"
ROLE_WORDS = {"role", "cm", "community", "manager", "charte", "charter", "mission"}
# Words too common to say anything about a request.
STOP = set(
    "the and for our your you can could would will with from that this what who are not about into "
    "les des une pour notre nos vos votre peux peut pouvez est sur dans avec que qui quoi pas par "
    "faire fait aux ces mon ton son cette aussi tout tous est-ce estce".split()
)


_FRENCH = snowballstemmer.stemmer("french")
_ENGLISH = snowballstemmer.stemmer("english")


def charter_text(uow: UnitOfWork, lang: str) -> str:
    return charters.current(uow, KIND, lang)[0]


@dataclass(frozen=True)
class Line:
    in_scope: bool
    what: str
    where: str
    synonyms: str = ""  # `(newsletter, infolettre)` at the end of the task: more words it answers to


def parse(text: str) -> tuple[list[str], list[Line]]:
    intro, lines = [], []
    for raw in text.splitlines():
        raw = raw.strip()
        if raw[:2] in ("+ ", "- "):
            what, _arrow, where = raw[2:].partition("->")
            what, synonyms = what.strip(), ""
            if what.endswith(")") and "(" in what:
                what, _paren, synonyms = what[:-1].rpartition("(")
            lines.append(Line(raw[0] == "+", what.strip(), where.strip(), synonyms.strip()))
        elif raw:
            intro.append(raw)
    return intro, lines


def validate_charter(uow: UnitOfWork, req: Request, values: dict[str, str]) -> FormErrors:
    """The charters' own checks, then each `+`/`-` line must name a task."""
    errors = charters.validate(uow, req, values)
    if errors:
        return errors
    _ = translator(req.language)
    for number, raw in enumerate(values.get("text", "").strip().splitlines(), 1):
        raw = raw.strip()
        if raw[:1] in ("+", "-") and not raw.startswith("->") and not raw[1:].partition("->")[0].strip():
            return {
                "text": _("Line {n}: write the task after “{sign}”, e.g. “+ Publish the news”.").format(
                    n=number, sign=raw[0]
                )
            }
    return {}


def render(text: str, lang: str) -> Md:
    _ = translator(lang)
    intro, lines = parse(text)
    parts = [Md.text(line) for line in intro]
    inside = [Md.of("✅ {w}", w=line.what) for line in lines if line.in_scope]
    outside = [
        Md.of("🚫 {w} → {g}", w=line.what, g=line.where) if line.where else Md.of("🚫 {w}", w=line.what)
        for line in lines
        if not line.in_scope
    ]
    if inside:
        parts.append(Md.of("\n**{h}**\n{l}", h=_("Part of the CM's role"), l=Md.join(inside)))
    if outside:
        parts.append(Md.of("\n**{h}**\n{l}", h=_("Not part of the CM's role (ask instead)"), l=Md.join(outside)))
    return Md.join(parts)


def addressed(where: str, lang: str) -> str:
    """Who to go to, as the sentence needs it: French says « Adressez-vous plutôt au
    secrétariat », so `-> le secrétariat` and `-> au secrétariat` both read well."""
    if lang != "fr":
        return where
    lowered = where.casefold()
    if lowered.startswith(("à ", "au ", "aux ", "auprès ", "chez ")):
        return where
    for article, contracted in (("le ", "au "), ("les ", "aux ")):
        if lowered.startswith(article):
            return contracted + where[len(article) :]
    return "à " + where


def _significant(text: str) -> set[str]:
    """The stems of the words that say something, in French and in English (Snowball):
    "gères" and "gérer", "newsletters" and "newsletter" meet."""
    found = [w for w in words(text) if len(w) > 2 and w not in STOP]
    return set(_FRENCH.stemWords(found)) | set(_ENGLISH.stemWords(found))


def best_match(question: str, lines: list[Line], also: list[list[Line]] | None = None) -> Line | None:
    """The charter line sharing most word stems with the question; ties go to the shorter
    line. `also` holds the same lines in other languages: a question in English is
    understood by a French charter that is still the shipped default."""
    asked = _significant(question)
    scored = []
    for i, line in enumerate(lines):
        best = (0, 0)
        for version in [line, *(other[i] for other in also or [] if i < len(other))]:
            line_words = _significant(f"{version.what} {version.synonyms}")
            best = max(best, (len(asked & line_words), -len(line_words)))
        if best[0]:
            scored.append((*best, line))
    return max(scored, key=lambda t: (t[0], t[1]))[2] if scored else None


def _defaults_elsewhere(uow: UnitOfWork, lang: str) -> list[list[Line]]:
    """While the role charter is the shipped default, its other languages' lines."""
    if charters.current(uow, KIND, lang)[1]:
        return []
    return [parse(translator(other)(DEFAULTS[KIND]))[1] for other in LANGUAGES if other != lang]


def show(uow: UnitOfWork, req: Request, question: str) -> None:
    lang = req.language
    req.reply.reply(answer(uow, lang, question))


def answer(uow: UnitOfWork, lang: str, question: str) -> Message:
    """The charter, or with a question, whether it is in scope and where to go instead."""
    _ = translator(lang)
    text = charter_text(uow, lang)
    title = _("The CM's role")
    if not question.strip():
        return Message(title=title, text=render(text, lang))
    line = best_match(question, parse(text)[1], _defaults_elsewhere(uow, lang))
    if line is None:
        intro = Md.of(
            _("🤔 I could not find this in the CM's role charter. Here it is; if in doubt, ask the CM directly.")
        )
        return Message(title=title, text=Md.join([intro, render(text, lang)], sep="\n\n"))
    if line.in_scope:
        reply = Md.of(_("✅ Yes, this is part of the CM's role:\n> {line}"), line=line.what)
    elif line.where:
        reply = Md.of(
            _("🚫 This is not part of the CM's role:\n> {line}\n\nPlease ask **{where}** instead."),
            line=line.what,
            where=addressed(line.where, lang),
        )
    else:
        reply = Md.of(_("🚫 This is not part of the CM's role:\n> {line}"), line=line.what)
    return Message(title=title, text=reply, context=Md.of(_("Type /cm role to read the whole charter.")))


def direct(uow: UnitOfWork, req: Request, text: str) -> bool:
    """A direct message answered as a mention is when it is about the CM's role."""
    line = best_match(text, parse(charter_text(uow, req.language))[1], _defaults_elsewhere(uow, req.language))
    if line is None and not set(words(text)) & ROLE_WORDS:
        return False
    req.reply.reply(answer(uow, req.language, text))
    return True


def mention(uow: UnitOfWork, user_id: str, text: str) -> Message:
    """A mention of the bot: a role question gets the role answer, anything else a hint."""
    lang = uow.language(user_id)
    _ = translator(lang)
    line = best_match(text, parse(charter_text(uow, lang))[1], _defaults_elsewhere(uow, lang))
    if line is not None or set(words(text)) & ROLE_WORDS:
        return answer(uow, lang, text)
    return Message(text=Md.of(_("👋 Ask me about the CM's role, e.g. “can you fix the printer?”, or type /cm help.")))
