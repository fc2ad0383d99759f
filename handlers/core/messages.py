"""The neutral message model every platform renders (DESIGN.md §3).

Text is a template plus values: templates come from our catalogs and carry the
only markup (`**bold**`, `_italic_`, line breaks); values are user text, escaped
by each platform on the way out, or mentions the platform writes its own way.
That split is what keeps a volunteer's `<!channel>` from pinging anybody.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from string import Formatter
from typing import Literal, Union


@dataclass(frozen=True)
class UserRef:
    """A person, mentioned the platform's way (`<@U1>` on Slack, `@name` elsewhere)."""

    id: str


Value = Union[str, int, UserRef, "Md"]


@dataclass(frozen=True)
class Md:
    template: str
    values: dict[str, Value] = field(default_factory=dict)

    @classmethod
    def of(cls, template: str, **values: Value) -> Md:
        """French quotes are never nested: a text that holds « » of its own is quoted “ ” by
        the sentence around it (the person's text is kept as written)."""
        for key, value in values.items():
            french = f"«\u202f{{{key}}}\u202f»"
            if isinstance(value, str) and ("«" in value or "»" in value) and french in template:
                template = template.replace(french, f"“{{{key}}}”")
        return cls(template, values)

    @classmethod
    def text(cls, user_text: str) -> Md:
        """Untrusted text on its own."""
        return cls("{t}", {"t": user_text})

    @classmethod
    def join(cls, parts: list[Md], sep: str = "\n") -> Md:
        names = {f"p{i}": p for i, p in enumerate(parts)}
        return cls(sep.join("{" + n + "}" for n in names), dict(names))


@dataclass(frozen=True)
class Markup:
    """How one platform writes markup, escapes user text and mentions people."""

    escape: Callable[[str], str]
    mention: Callable[[str], str]
    bold: str = "**"
    escape_code: Callable[[str], str] | None = None  # inside `code`, where a platform reads no escapes
    code_marks: bool = True  # False where text is shown as it is (the console): no backticks around code

    def render(self, md: Md | str) -> str:
        if isinstance(md, str):
            return self.escape(md)
        template = md.template.replace("**", self.bold) if self.bold != "**" else md.template
        out: list[str] = []
        line = ""  # the start of the line being written
        code = False  # inside a `code span` of the template
        for literal, name, _spec, _conversion in Formatter().parse(template):
            code_at_end = code ^ (literal.count("`") % 2 == 1)
            if not self.code_marks:
                literal = literal.replace("`", "")
            out.append(literal)
            line = literal.rpartition("\n")[2] if "\n" in literal else line + literal
            code = code_at_end
            if name is None:
                continue
            raw = md.values[name]
            if code and self.escape_code is not None and isinstance(raw, str):
                out.append(self.escape_code(raw))
                continue
            value = self._value(raw)
            if line.startswith(">"):  # a quote holds every line of its value, not just the first
                value = value.replace("\n", "\n> ")
            out.append(value)
            line = value.rpartition("\n")[2] if "\n" in value else line + value
        return "".join(out)

    def _value(self, value: Value) -> str:
        if isinstance(value, Md):
            return self.render(value)
        if isinstance(value, UserRef):
            return self.mention(value.id)
        if isinstance(value, int):
            return str(value)
        return self.escape(value)


@dataclass(frozen=True)
class Button:
    action_id: str
    label: str
    value: str
    style: Literal["primary", "danger"] | None = None


@dataclass(frozen=True)
class Message:
    title: str = ""  # plain user-visible text, escaped by the platform
    text: Md | None = None
    fields: list[tuple[str, Md]] = field(default_factory=list)
    context: Md | None = None
    actions: list[Button] = field(default_factory=list)
    fallback: str = ""  # notification text; defaults to the title


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Field:
    """One input of a form. kind decides the widget: a line, a paragraph, a menu, a date,
    or a person chosen from the team (the platform's own user picker; the value is their id)."""

    name: str
    label: str
    kind: Literal["line", "paragraph", "select", "date", "person"] = "line"
    optional: bool = False
    max_length: int | None = None
    options: list[Option] = field(default_factory=list)
    initial: str = ""
    hint: str = ""
    # Needed only when another field has a value ("person" when "For" is "A person"): the
    # console asks it then, as required, and skips it otherwise; a modal shows it, optional.
    needed_when: tuple[str, str] | None = None


@dataclass(frozen=True)
class Form:
    """A modal on Slack, a dialog on Mattermost, prompts on the console.
    `state` comes back untouched with the submission (e.g. the news id)."""

    form_id: str
    title: str
    submit: str
    fields: list[Field]
    state: str = ""
    language: str = "fr"  # for what the platform adds around the fields (Cancel, date hints)
    intro: Md | None = None  # read before the fields (e.g. the message answered and the charter)


FormErrors = dict[str, str]
