"""What a source hands the watch: each item as the network gave it, and the cursor that
ends the page (stored in the same transaction as the page's items)."""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser

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


class _Text(HTMLParser):
    """A post's HTML as its reader sees it: paragraphs and line breaks kept, each link as
    its address (a network shortens what it shows), a mention as the name it shows."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._link: str | None = None
        self._shown: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "br":
            self.parts.append("\n")
        elif tag == "p" and self.parts:
            self.parts.append("\n\n")
        elif tag == "a":
            classes = (found.get("class") or "").split()
            is_name = "mention" in classes or "hashtag" in classes
            self._link, self._shown = (None if is_name else found.get("href") or None), []

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self.parts.append(self._link if self._link else "".join(self._shown))
            self._link, self._shown = None, []

    def handle_data(self, data: str) -> None:
        (self._shown if self._shown is not None and self._link is not None else self.parts).append(data)


def retry_after(headers: Mapping[str, str]) -> float | None:
    """A 429's or 503's `Retry-After` in seconds (the date form is rare: then the back-off decides)."""
    raw = headers.get("retry-after", "").strip()
    return float(raw) if raw.isdigit() else None


def plain_text(markup: str) -> str:
    """HTML to the text it shows, entities decoded, links kept as their addresses."""
    if "<" not in markup:
        return html.unescape(markup).strip()
    reader = _Text()
    reader.feed(markup)
    reader.close()
    return "".join(reader.parts).strip()


def first_line(text: str, limit: int = 120) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return shorten(line, limit)
