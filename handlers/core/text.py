"""Text helpers shared by the use cases: matching that forgives case, accents and plurals,
and a text cut to a length for a card or a list."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[a-z0-9]+")
# The combining marks NFKD splits accents into (é -> e + U+0301): the Unicode blocks of diacritics.
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Lower case without accents: 'Réparer' and 'reparer' are the same word."""
    if text.isascii():  # most words: nothing to decompose (an import folds 50,000 texts)
        return text.casefold()
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text.casefold()))


def folded_name(name: str) -> str:
    """A person's name as it is compared (`relais forget --author`): case, accents and
    extra spaces aside, so "jean  DUPONT" is "Jean Dupont"."""
    return fold(" ".join(name.split()))


def stem(word: str) -> str:
    """A plural-blind form: 'antennes' -> 'antenne', 'events' -> 'event', 'journaux' -> 'journal'."""
    if len(word) > 4 and word.endswith("aux"):
        return word[:-3] + "al"
    if len(word) > 3 and word[-1] in "sx" and not word.endswith("ss"):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(fold(text))]


def unique_phrases(phrases: list[str]) -> list[str]:
    """Each phrase once, its spaces tidied, whatever its case or accents; the first spelling is kept."""
    seen: dict[str, str] = {}
    for phrase in phrases:
        phrase = " ".join(phrase.split())
        if phrase and fold(phrase) not in seen:
            seen[fold(phrase)] = phrase
    return list(seen.values())


def shorten(text: str, limit: int) -> str:
    """`text` as it is when it fits in `limit` characters, else cut with "…" (its whole is elsewhere)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
