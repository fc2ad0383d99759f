"""Gettext catalogs for everything Relais says. The .po files are the source:
they are compiled in memory at first use, so there is no build step to forget."""

from __future__ import annotations

import gettext
from collections.abc import Callable
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES = Path(__file__).parent.parent / "locale"
DOMAIN = "relais"
LANGUAGES = ("fr", "en")


def N_(message: str) -> str:
    """Marks a string for extraction; it is translated where it is shown."""
    return message


@cache
def translations(language: str) -> gettext.NullTranslations:
    po = LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as fp:
        catalog = read_po(fp, locale=language)
    buf = BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def translator(language: str) -> Callable[[str], str]:
    """The `_` of one language."""
    return translations(language).gettext


def number(value: int, language: str) -> str:
    """A count as the language writes it: 3 569 in French (narrow no-break space), 3,569 in English."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=language)


def too_long(size: int, limit: int, language: str) -> str:
    """A field's length over its limit, said the same way in every form."""
    _ = translator(language)
    return _("{size} characters; the limit is {limit}.").format(
        size=number(size, language), limit=number(limit, language)
    )
