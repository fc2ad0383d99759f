"""What the CM does and does not do: `/cm role [question]`, `/cm role edit`, mentions.

The charter is plain text the CM can edit. Lines starting with `+ ` are in the
CM's role, lines starting with `- ` are not, and `-> who` at the end of a line
says where to go instead. Questions are matched on words, forgiving case,
accents and plurals.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from handlers.context import Deps, Request
from handlers.i18n import translator
from handlers.messages import Field, Form, FormErrors, Md, Message
from handlers.permissions import is_cm
from handlers.text import words
from storage.models import Charter

KIND = "role"
CHARTER_MAX = 3000
ROLE_WORDS = {"role", "cm", "community", "manager", "charte", "charter", "mission"}
# Words too common to say anything about a request.
STOP = set(
    "the and for our your you can could would will with from that this what who are not about into "
    "les des une pour notre nos vos votre peux peut pouvez est sur dans avec que qui quoi pas par "
    "faire fait aux ces mon ton son cette aussi tout tous est-ce estce".split()
)


def default_charter(lang: str) -> str:
    _ = translator(lang)
    return _(
        "The community manager (CM) runs the association's communities on social networks and watches over its e-reputation.\n"
        "+ Publish the association's news and events on Facebook, Instagram, LinkedIn and other social networks\n"
        "+ Answer comments and private messages on the association's social network accounts\n"
        "+ Moderate discussions under the association's posts, following the moderation charter\n"
        "+ Watch what is said about the association online and alert the leaders\n"
        "+ Plan the editorial calendar with the leaders\n"
        "+ Advise leaders on how to speak on social networks\n"
        "- Redesign or update the website -> the webmaster or the board\n"
        "- Fix the printer, computers or other equipment -> the secretariat\n"
        "- Write the internal newsletter -> the newsletter team\n"
        "- Organise events -> the events team\n"
        "- Handle memberships, donations and payments -> the treasurer"
    )


def charter_text(deps: Deps, lang: str) -> tuple[str, int]:
    """The charter in force in a language, and its version number (0 = the default)."""
    with deps.db() as s:
        latest = s.scalars(
            select(Charter).where(Charter.kind == KIND, Charter.language == lang).order_by(Charter.id.desc()).limit(1)
        ).first()
        count = s.scalar(select(func.count()).select_from(Charter).where(Charter.kind == KIND, Charter.language == lang))
    return (latest.text, count or 0) if latest else (default_charter(lang), 0)


@dataclass(frozen=True)
class Line:
    in_scope: bool
    what: str
    where: str


def parse(text: str) -> tuple[list[str], list[Line]]:
    intro, lines = [], []
    for raw in text.splitlines():
        raw = raw.strip()
        if raw[:2] in ("+ ", "- "):
            what, _arrow, where = raw[2:].partition("->")
            lines.append(Line(raw[0] == "+", what.strip(), where.strip()))
        elif raw:
            intro.append(raw)
    return intro, lines


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


def _significant(text: str) -> set[str]:
    return {w for w in words(text) if len(w) > 2 and w not in STOP}


def best_match(question: str, lines: list[Line]) -> Line | None:
    """The charter line sharing most words with the question; ties go to the shorter line."""
    asked = _significant(question)
    scored = []
    for line in lines:
        line_words = _significant(line.what)
        shared = len(asked & line_words)
        if shared:
            scored.append((shared, -len(line_words), line))
    return max(scored, key=lambda t: (t[0], t[1]))[2] if scored else None


def show(deps: Deps, req: Request, question: str) -> None:
    with deps.db() as s:
        lang = deps.language_of(s, req.user_id)
    req.reply.reply(answer(deps, lang, question))


def answer(deps: Deps, lang: str, question: str) -> Message:
    """The charter, or with a question, whether it is in scope and where to go instead."""
    _ = translator(lang)
    text, _version = charter_text(deps, lang)
    title = _("The CM's role")
    if not question.strip():
        return Message(title=title, text=render(text, lang))
    line = best_match(question, parse(text)[1])
    if line is None:
        intro = Md.of(
            _("🤔 I could not find this in the CM's role charter. Here it is; if in doubt, ask the CM directly.")
        )
        return Message(title=title, text=Md.join([intro, render(text, lang)], sep="\n\n"))
    if line.in_scope:
        reply = Md.of(_("✅ Yes, this is part of the CM's role:\n> {line}"), line=line.what)
    elif line.where:
        reply = Md.of(
            _("🚫 This is not part of the CM's role:\n> {line}\nPlease ask instead: **{where}**."),
            line=line.what,
            where=line.where,
        )
    else:
        reply = Md.of(_("🚫 This is not part of the CM's role:\n> {line}"), line=line.what)
    return Message(title=title, text=reply, context=Md.of(_("Type /cm role to read the whole charter.")))


def mention(deps: Deps, user_id: str, text: str) -> Message:
    """A mention of the bot: a role question gets the role answer, anything else a hint."""
    with deps.db() as s:
        lang = deps.language_of(s, user_id)
    _ = translator(lang)
    line = best_match(text, parse(charter_text(deps, lang)[0])[1])
    if line is not None or set(words(text)) & ROLE_WORDS:
        return answer(deps, lang, text)
    return Message(
        text=Md.of(_("👋 Ask me about the CM's role, e.g. “can you fix the printer?”, or type /cm help."))
    )


def edit_form(deps: Deps, req: Request) -> None:
    with deps.db() as s:
        lang = deps.language_of(s, req.user_id)
    _ = translator(lang)
    if not is_cm(deps, req.user_id):
        req.reply.reply(Message(text=Md.of(_("⛔ Only the CM and admins can edit the role charter."))))
        return
    text, _version = charter_text(deps, lang)
    req.reply.open_form(
        Form(
            form_id="role.edit",
            title=_("The CM's role"),
            submit=_("Save"),
            fields=[
                Field(
                    "text",
                    _("Charter"),
                    kind="paragraph",
                    max_length=CHARTER_MAX,
                    initial=text,
                    hint=_("One item per line: “+ ” in the role, “- ” not in the role, “-> who” where to go instead."),
                )
            ],
            state=lang,
        )
    )


def validate(deps: Deps, req: Request, values: dict[str, str]) -> FormErrors:
    with deps.db() as s:
        _ = translator(deps.language_of(s, req.user_id))
    text = values.get("text", "").strip()
    if not text:
        return {"text": _("The charter cannot be empty.")}
    if len(text) > CHARTER_MAX:
        return {"text": _("{size} characters; the limit is {limit}.").format(size=len(text), limit=CHARTER_MAX)}
    return {}


def save(deps: Deps, req: Request, values: dict[str, str], state: str) -> None:
    with deps.db.begin() as s:
        _ = translator(deps.language_of(s, req.user_id))
        if not is_cm(deps, req.user_id):
            req.reply.reply(Message(text=Md.of(_("⛔ Only the CM and admins can edit the role charter."))))
            return
        s.add(Charter(kind=KIND, language=state or deps.team.language, text=values["text"].strip(), author_id=req.user_id))
    _version_text, version = charter_text(deps, state or deps.team.language)
    req.reply.reply(Message(text=Md.of(_("✅ Role charter saved (version {n})."), n=version)))
