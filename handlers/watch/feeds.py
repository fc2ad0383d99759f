"""Alert feeds (Google Alerts' "deliver to RSS feed", Talkwalker Alerts): RSS or Atom,
fetched with the ETag and Last-Modified of the previous round (an unchanged feed costs
one short answer), read by feedparser. Each entry is an alert, grouped by hour."""

from __future__ import annotations

import calendar
import json
from datetime import datetime, timezone
from typing import Any

import httpx

from handlers.watch.found import Found, Page, SourceError, plain_text, retry_after, tls


class Feed:
    def __init__(self, url: str, *, timeout: float = 10, transport: httpx.BaseTransport | None = None):
        self.url = url
        self.client = httpx.Client(timeout=timeout, transport=transport, follow_redirects=True, verify=tls())

    def close(self) -> None:
        self.client.close()

    def page(self, cursor: str, since: datetime, now: datetime) -> Page:
        """The feed's entries since `since` (entries already stored are skipped by their id);
        the cursor keeps the validators that make an unchanged feed a 304."""
        import feedparser  # only in the process that polls

        validators = json.loads(cursor) if cursor else {}
        headers = {k: v for k, v in (("If-None-Match", validators.get("etag")),
                                     ("If-Modified-Since", validators.get("modified"))) if v}  # fmt: skip
        try:
            response = self.client.get(self.url, headers=headers)
        except httpx.HTTPError as exc:
            raise SourceError(f"feed unreachable ({type(exc).__name__})") from None
        if response.status_code == 304:
            return Page([], cursor)
        if response.status_code >= 400:
            raise SourceError(f"feed answered HTTP {response.status_code}", retry_after(response.headers))
        parsed = feedparser.parse(response.content)
        if parsed.bozo and not parsed.entries:
            raise SourceError("not an RSS or Atom feed")
        kept = {"etag": response.headers.get("etag", ""), "modified": response.headers.get("last-modified", "")}
        items = [i for i in (self._item(e, now) for e in parsed.entries) if i.posted_at >= since]
        return Page(sorted(items, key=lambda i: i.posted_at), json.dumps(kept, sort_keys=True))

    def _item(self, entry: Any, now: datetime) -> Found:
        get = entry.get
        stamp = get("published_parsed") or get("updated_parsed")
        when = datetime.fromtimestamp(calendar.timegm(stamp), timezone.utc) if stamp else now
        title, summary = plain_text(get("title", "")), plain_text(get("summary", ""))
        return Found(
            network_id=str(get("id") or get("link", "")),
            network="alert",
            kind="alert",
            author_handle=plain_text(get("author", "")),
            author_name="",
            text=f"{title}\n{summary}".strip() if summary and summary != title else title,
            link=get("link", ""),
            posted_at=when,
        )
