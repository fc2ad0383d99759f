"""The news form, empty or prefilled from a message, and the button that opens it."""

from __future__ import annotations

from handlers.core.i18n import translator
from handlers.core.messages import Button, Field, Form, Option
from handlers.news.cards import CATEGORIES

TITLE_MAX = 150
BODY_MAX = 3000
LINKS_MAX = 1000


def news_form(lang: str, initial: dict[str, str] | None = None, *, state: str = "") -> Form:
    """The news form, empty or with first values (a message sent on to the CM)."""
    _ = translator(lang)
    given = initial or {}
    return Form(
        form_id="news.submit",
        title=_("News for the CM"),
        submit=_("Send"),
        fields=[
            Field("title", _("Title"), max_length=TITLE_MAX, initial=given.get("title", "")),
            Field(
                "body", _("Text"), kind="paragraph", max_length=BODY_MAX, optional=True, initial=given.get("body", "")
            ),
            Field(
                "category",
                _("Category"),
                kind="select",
                options=[Option(k, _(v)) for k, v in CATEGORIES.items()],
                initial="other",
            ),
            Field("wished_date", _("Wished publication date"), kind="date", optional=True),
            Field(
                "links",
                _("Links"),
                optional=True,
                max_length=LINKS_MAX,
                hint=_("Web addresses, separated by spaces"),
                initial=given.get("links", ""),
            ),
        ],
        state=state,
        language=lang,
    )


def send_button(lang: str) -> Button:
    """ "Send news": opens the news form, wherever Relais offers it (the call for news, the home view)."""
    _ = translator(lang)
    return Button("newsform.open", _("Send news"), "form", "primary")


def prefilled(text: str) -> dict[str, str]:
    """The news form's first values from a message: its first line as the title when it
    fits, else the start of it; the message itself as the text, as it was written."""
    first, _nl, rest = text.strip().partition("\n")
    if len(first) <= TITLE_MAX and rest.strip():
        return {"title": first.strip(), "body": rest.strip()[:BODY_MAX]}
    title = first if len(first) <= TITLE_MAX else first[: TITLE_MAX - 1].rsplit(" ", 1)[0] + "…"
    return {"title": title.strip(), "body": text.strip()[:BODY_MAX] if title != first else ""}
