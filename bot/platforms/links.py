"""Web addresses and e-mail addresses inside user text. They are sent exactly
as typed, so they stay the link the person wrote: each platform escapes only
the rest of the text (a word joiner after `@`, markdown backslashes)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

_LINK = re.compile(
    r"(?:https?://|www\.)[^\s<>\"]+"  # a web address, up to a space or a quote
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+",  # an e-mail address
    re.IGNORECASE,
)
_TRAILING = ".,;:!?'’»"


def _trim(url: str) -> str:
    """Sentence punctuation after an address is not part of it; a closing
    parenthesis is, when the address opened one (`…/wiki/Lyon_(ville)`)."""
    while url:
        if url[-1] in _TRAILING:
            url = url[:-1]
        elif url[-1] == ")" and url.count(")") > url.count("("):
            url = url[:-1]
        else:
            break
    return url


def pieces(text: str) -> Iterator[tuple[str, bool]]:
    """The text cut into (piece, is_link), in order; joined back they are the text."""
    start = 0
    for match in _LINK.finditer(text):
        link = _trim(match.group())
        if not link or match.start() < start:
            continue
        if match.start() > start:
            yield text[start : match.start()], False
        yield link, True
        start = match.start() + len(link)
    if start < len(text):
        yield text[start:], False


def escape_around_links(text: str, escape: Callable[[str], str], link: Callable[[str], str] = lambda s: s) -> str:
    """`escape` the prose, `link` the addresses (by default: untouched)."""
    return "".join(link(piece) if is_link else escape(piece) for piece, is_link in pieces(text))
