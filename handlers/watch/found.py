"""What a source hands the watch: each item as the network gave it, and the cursor that
ends the page (stored in the same transaction as the page's items)."""

from __future__ import annotations

import html
import re
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache

import httpx

from handlers.core.i18n import translator
from handlers.core.text import shorten


@dataclass(frozen=True, slots=True)
class Found:
    network_id: str
    network: str  # mastodon | bluesky | facebook | youtube | alert
    kind: str  # reply | mention | quote | alert
    author_handle: str
    author_name: str
    text: str
    link: str
    posted_at: datetime
    thread: str = ""  # the association's post it answers (its id on the network); empty: grouped by hour
    parent_link: str = ""
    parent_excerpt: str = ""
    post_id: str = ""  # what a reply from Relais answers: a Mastodon status id, a Bluesky at:// URI


@dataclass(frozen=True)
class Page:
    items: list[Found]
    cursor: str  # stored with the items: the next round starts after it
    more: bool = False  # another page waits


class SourceError(Exception):
    """A source could not be read this round: one line saying why (never a token), how
    long the network asked to wait (`Retry-After`), if it did, and whether it is the
    network's rate limit or quota (the CM is told at once: it lasts, and it has a cause)."""

    def __init__(self, why: str, retry_after: float | None = None, *, limited: bool = False) -> None:
        super().__init__(why)
        self.retry_after, self.limited = retry_after, limited


_PIECE = re.compile(  # a link whole, a line break, a paragraph, a comment, any other tag
    r"<a\b([^>]*)>(.*?)</a\b[^>]*>|<(br)\b[^>]*>|<(p)\b[^>]*>|<!--.*?-->|</?[a-zA-Z][^>]*>", re.S | re.I
)


def _decoded(data: str) -> str:
    return html.unescape(data) if "&" in data else data


def _html_text(markup: str) -> str:
    """A post's HTML as its reader sees it: paragraphs and line breaks kept, each link as
    its address (a network shortens what it shows), a mention or hashtag as the name it
    shows. A link is matched whole and the text between tags taken in one piece: Mastodon's
    sanitized HTML has a few tags, always closed, and a busy round reads thousands of posts."""
    parts: list[str] = []
    at = 0
    for piece in _PIECE.finditer(markup):
        if piece.start() > at:
            parts.append(_decoded(markup[at : piece.start()]))
        at = piece.end()
        attrs, inner, br, p = piece.groups()
        if br:
            parts.append("\n")
        elif p and parts:
            parts.append("\n\n")
        elif inner is not None:
            parts.append(_link(attrs, inner))
    parts.append(_decoded(markup[at:]))
    return "".join(parts)


_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)
_CLASS = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>|<!--.*?-->", re.S)


def _link(attrs: str, inner: str) -> str:
    """A link as its address; a mention or a hashtag as the name it shows."""
    href = _HREF.search(attrs)
    named = _CLASS.search(attrs) if "mention" in attrs or "hashtag" in attrs else None
    address = _decoded(href[1] or href[2] or href[3] or "") if href else ""
    if not address or (named and {"mention", "hashtag"} & set((named[1] or named[2] or named[3] or "").split())):
        return _decoded(_TAG.sub("", inner))
    return address


@cache
def tls() -> ssl.SSLContext:
    """One TLS context per process for every reader: building one reads the CA bundle
    (20 ms), and each round opens a client per source."""
    return httpx.create_ssl_context()


class Refused(SourceError):
    """The network refused for good (token, deleted message, text too long): sent again it
    would be refused again, so a reply's text is kept and the CM told why. `why` is a
    message of the catalogs, `said` the network's own words it may quote."""

    def __init__(self, why: str, said: str = "") -> None:
        super().__init__(why.format(said=said))
        self.why, self.said = why, said


def explained(why: str, said: str, lang: str) -> str:
    """A refusal kept as its catalog message and the network's words, said in `lang`."""
    return translator(lang)(why).format(said=said) if why else ""


def retry_after(headers: Mapping[str, str]) -> float | None:
    """A 429's or 503's `Retry-After` in seconds (the date form is rare: then the back-off decides)."""
    raw = headers.get("retry-after", "").strip()
    return float(raw) if raw.isdigit() else None


def plain_text(markup: str) -> str:
    """HTML to the text it shows, entities decoded, links kept as their addresses."""
    if "<" not in markup:
        return html.unescape(markup).strip()
    return _html_text(markup).strip()


def first_line(text: str, limit: int = 120) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return shorten(line, limit)
