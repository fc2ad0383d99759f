"""A fake Mastodon client API with Mastodon's documented paging, where snac2 differs
(snac2 hands `min_id`'s own item back; Mastodon never does): `GET /api/v1/notifications`
newest first with `limit` (default 40, at most 80), `max_id`, `since_id`, `min_id` and
`types[]`, and its `Link` header; `verify_credentials`; one status. A wrong token gets
401 as Mastodon answers it. It counts each request: an idle source's cost is read here."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from typing import Any
from urllib.parse import urlencode

from tests.fakes.http_server import json_api

TOKEN = "fake-mastodon-token"
ME = {"id": "1", "username": "asso", "acct": "asso", "display_name": "L’asso"}


def _html(text: str, reply: bool) -> str:
    """As Mastodon writes a status: a reply opens on its mention's h-card, a link is cut
    into invisible and shown parts (the reader keeps the whole address)."""
    words = []
    for word in text.split(" "):
        if word.startswith("https://"):
            shown, rest = word.removeprefix("https://")[:20], word.removeprefix("https://")[20:]
            word = (f'<a href="{escape(word)}" rel="nofollow noopener" target="_blank"><span class="invisible">https://</span>'
                    f'<span class="ellipsis">{escape(shown)}</span><span class="invisible">{escape(rest)}</span></a>')  # fmt: skip
        elif word == "@asso" and reply:
            word = '<span class="h-card"><a href="https://masto.example/@asso" class="u-url mention">@<span>asso</span></a></span>'
        else:
            word = escape(word)
        words.append(word)
    return f"<p>{' '.join(words)}</p>"


@dataclass
class FakeMastodon:
    """Statuses and notifications held in memory; `base` once `serving()` has started."""

    base: str = ""
    statuses: dict[str, dict[str, Any]] = field(default_factory=dict)
    notifications: list[dict[str, Any]] = field(default_factory=list)  # oldest first
    requests: list[str] = field(default_factory=list)  # each path asked, in order
    throttled_until: datetime | None = None  # answers 429 with Mastodon's X-RateLimit-* headers until then
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(110_000_000_000_000_001))

    def post(self, text: str, at: datetime, *, account: dict[str, Any] | None = None,
             reply_to: str = "") -> dict[str, Any]:  # fmt: skip
        """A status; one by someone else that answers the association, or names it, is a mention."""
        who = account or ME
        status_id = str(next(self._ids))
        parent = self.statuses.get(reply_to)
        status = {
            "id": status_id, "created_at": at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "in_reply_to_id": reply_to or None,
            "in_reply_to_account_id": parent["account"]["id"] if parent else None,
            "content": _html(text, bool(parent)), "url": f"https://masto.example/@{who['acct']}/{status_id}",
            "uri": f"https://masto.example/users/{who['acct']}/statuses/{status_id}", "account": who,
        }  # fmt: skip
        self.statuses[status_id] = status
        if who is not ME:
            self.notifications.append({"id": str(next(self._ids)), "type": "mention", "created_at": status["created_at"],
                                       "account": who, "status": status})  # fmt: skip
        return status

    def replies(self, parent: str, count: int, start: datetime) -> None:
        for n in range(count):
            who = {"id": str(1000 + n), "username": f"membre{n}", "acct": f"membre{n}@ailleurs.example",
                   "display_name": f"Membre {n}"}  # fmt: skip
            self.post(f"@asso Réponse {n} : merci pour l’info ! https://example.org/r?n={n}&x=1",
                      start + timedelta(seconds=n), account=who, reply_to=parent)  # fmt: skip

    def page(self, params: dict[str, str]) -> tuple[list[dict[str, Any]], str]:
        """Mastodon's paging: newest first; `min_id` gives those just after it, `since_id` and
        `max_id` the newest ones in their bounds; the Link header to go on either way."""
        types = params.get("types[]")
        found = [n for n in self.notifications if not types or n["type"] == types]
        limit = min(int(params.get("limit") or 40), 80)
        if "max_id" in params:
            found = [n for n in found if int(n["id"]) < int(params["max_id"])]
        for bound in ("since_id", "min_id"):
            if bound in params:
                found = [n for n in found if int(n["id"]) > int(params[bound])]
        chosen = found[:limit] if "min_id" in params else found[-limit:]
        chosen = list(reversed(chosen))
        if not chosen:
            return [], ""
        here = f"{self.base}/api/v1/notifications?"
        keep = {k: v for k, v in params.items() if k in ("types[]", "limit")}
        link = (f'<{here}{urlencode(keep | {"max_id": chosen[-1]["id"]})}>; rel="next", '
                f'<{here}{urlencode(keep | {"min_id": chosen[0]["id"]})}>; rel="prev"')  # fmt: skip
        return chosen, link

    def answer(self, path: str, params: dict[str, str], auth: str) -> tuple[int, Any, dict[str, str]]:
        self.requests.append(path)
        if auth != f"Bearer {TOKEN}":
            return 401, {"error": "The access token is invalid"}, {}
        if self.throttled_until is not None:
            reset = self.throttled_until.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
            return 429, {"error": "Too many requests"}, {"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0",
                                                         "X-RateLimit-Reset": reset}  # fmt: skip
        if path == "/api/v1/notifications":
            found, link = self.page(params)
            return 200, found, {"Link": link} if link else {}
        if path == "/api/v1/accounts/verify_credentials":
            return 200, ME, {}
        if path.startswith("/api/v1/statuses/") and path.rsplit("/", 1)[1] in self.statuses:
            return 200, self.statuses[path.rsplit("/", 1)[1]], {}
        return 404, {"error": "Record not found"}, {}


@contextmanager
def serving(fake: FakeMastodon) -> Iterator[FakeMastodon]:
    def answer(
        _method: str, path: str, params: dict[str, str], headers: dict[str, str]
    ) -> tuple[int, Any, dict[str, str]]:
        return fake.answer(path, params, headers.get("Authorization", ""))

    with json_api(answer) as base:
        fake.base = base
        yield fake
