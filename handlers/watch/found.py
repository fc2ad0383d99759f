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

from handlers.core.text import shorten


@dataclass(frozen=True)
class Found:
    network_id: str
    network: str  # mastodon | bluesky | alert
    kind: str  # reply | mention | quote | alert
    author_handle: str
    author_name: str
    text: str
    link: str
    posted_at: datetime
    thread: str = ""  # the association's post it answers (its id on the network); empty: grouped by hour
    parent_link: str = ""
    parent_excerpt: str = ""


@dataclass(frozen=True)
class Page:
    items: list[Found]
    cursor: str  # stored with the items: the next round starts after it
    more: bool = False  # another page waits


class SourceError(Exception):
    """A source could not be read this round: one line saying why (never a token), and how
    long the network asked to wait (`Retry-After`), if it did."""

    def __init__(self, why: str, retry_after: float | None = None) -> None:
        super().__init__(why)
        self.retry_after = retry_after


_TOKEN = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>|<!--.*?-->|([^<]+|<)", re.S)
_ATTR = re.compile(r"""([a-zA-Z_:][-\w:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")


def _attrs(raw: str) -> dict[str, str]:
    found = {m[1].lower(): m[2] or m[3] or m[4] or "" for m in _ATTR.finditer(raw)}
    return {k: html.unescape(v) if "&" in v else v for k, v in found.items()}


def _html_text(markup: str) -> str:
    """A post's HTML as its reader sees it: paragraphs and line breaks kept, each link as
    its address (a network shortens what it shows), a mention or hashtag as the name it
    shows. A tokenizer of Mastodon's sanitized HTML (a few tags, always closed), five
    times quicker than html.parser: a busy round reads thousands."""
    parts: list[str] = []
    link: str | None = None  # inside <a href>: its text is replaced by the address
    for tag in _TOKEN.finditer(markup):
        closing, name, attrs, data = tag.groups()
        if data is not None:
            if link is None:
                parts.append(html.unescape(data) if "&" in data else data)
            continue
        name = (name or "").lower()
        if name == "br" and not closing:
            parts.append("\n")
        elif name == "p" and not closing and parts:
            parts.append("\n\n")
        elif name == "a" and not closing:
            found = _attrs(attrs)
            named = {"mention", "hashtag"} & set(found.get("class", "").split())
            link = None if named else found.get("href") or None
        elif name == "a" and closing:
            parts.append(link or "")
            link = None
    return "".join(parts)


@cache
def tls() -> ssl.SSLContext:
    """One TLS context per process for every reader: building one reads the CA bundle
    (20 ms), and each round opens a client per source."""
    return httpx.create_ssl_context()


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
