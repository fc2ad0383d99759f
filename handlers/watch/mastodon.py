"""Mastodon (and servers speaking its client API, such as snac2): the account's mention
notifications, where replies to it arrive too. Read with `min_id` after the stored cursor,
80 at a time (Mastodon's most; a server that gives fewer is read on until a page is empty); a new connection reads back `WATCH_BACKFILL_DAYS` with `max_id`. Nothing
is marked read on the server (no markers): the CM's own apps keep their unread counts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

from handlers.core.i18n import N_
from handlers.watch.found import Found, Page, Refused, SourceError, first_line, plain_text, retry_after, tls

LIMIT = 80  # Mastodon's most for notifications (its default is 40)
NOTIFICATIONS = "/api/v1/notifications"
_ACCOUNTS: dict[tuple[str, str], str] = {}  # (server, token) -> the account's id: a token opens one account for good


class Mastodon:
    def __init__(self, url: str, token: str, *, timeout: float = 10, transport: httpx.BaseTransport | None = None):
        self.client = httpx.Client(base_url=url.rstrip("/"), headers={"Authorization": f"Bearer {token}"},
                                   timeout=timeout, transport=transport, verify=tls())  # fmt: skip
        self._account = (url.rstrip("/"), token)
        self._posts: dict[str, tuple[str, str]] = {}
        self.now: datetime | None = None  # the round's clock, for Mastodon's `X-RateLimit-Reset`

    def close(self) -> None:
        self.client.close()

    def page(self, cursor: str, since: datetime, now: datetime) -> Page:
        """The notifications after `cursor`, oldest page first; without a cursor, those since `since`."""
        self.now = now
        if not cursor:
            return self._backfill(since)
        found = [n for n in self._get(NOTIFICATIONS, {"types[]": "mention", "limit": LIMIT, "min_id": cursor})
                 if n["id"] != cursor]  # fmt: skip  # snac2 hands the cursor's own item back
        if not found:
            return Page([], cursor)
        newest = max(found, key=lambda n: _order(n["id"]))["id"]
        return Page(self._items(found), newest, more=True)  # on until a page is empty: an idle round asks once

    def _backfill(self, since: datetime) -> Page:
        """Newest first, page after page, until the notifications are older than `since`."""
        kept: list[dict[str, Any]] = []
        params: dict[str, Any] = {"types[]": "mention", "limit": LIMIT}
        while True:
            batch = [n for n in self._get(NOTIFICATIONS, params) if n["id"] != params.get("max_id")]  # as min_id
            fresh = [n for n in batch if _when(n["created_at"]) >= since]
            kept += fresh
            if not batch or len(fresh) < len(batch):  # an empty page, or older than `since`: done
                break
            params["max_id"] = min((n["id"] for n in batch), key=_order)
        newest = max((n["id"] for n in kept), key=_order, default="")
        return Page(self._items(kept), newest or "0")

    def _items(self, notifications: list[dict[str, Any]]) -> list[Found]:
        return [self._item(n) for n in sorted(notifications, key=lambda n: _order(n["id"])) if n.get("status")]

    def _item(self, notification: dict[str, Any]) -> Found:
        status, account = notification["status"], notification["account"]
        parent = status.get("in_reply_to_id") or ""
        own = parent and status.get("in_reply_to_account_id") == self._my_id()
        link, excerpt = self._post(parent) if own else ("", "")
        return Found(
            network_id=str(notification["id"]),
            network="mastodon",
            kind="reply" if own else "mention",
            author_handle="@" + account.get("acct", ""),
            author_name=account.get("display_name") or account.get("username", ""),
            text=plain_text(status.get("content", "")),
            link=status.get("url") or status.get("uri", ""),
            posted_at=_when(status.get("created_at") or notification["created_at"]),
            thread=parent if own else "",
            parent_link=link,
            parent_excerpt=excerpt,
            post_id=str(status.get("id", "")),
        )

    def _my_id(self) -> str:
        """The association's account id, asked once per process (not once per round)."""
        if self._account not in _ACCOUNTS:
            _ACCOUNTS[self._account] = str(self._get("/api/v1/accounts/verify_credentials", {})["id"])
        return _ACCOUNTS[self._account]

    def _post(self, status_id: str) -> tuple[str, str]:
        """The association's post a reply answers: its link and first line (asked once per round)."""
        if status_id not in self._posts:
            status = self._get(f"/api/v1/statuses/{status_id}", {})
            self._posts[status_id] = (
                status.get("url") or status.get("uri", ""),
                first_line(plain_text(status.get("content", ""))),
            )
        return self._posts[status_id]

    def reply(self, post_id: str, text: str, key: str, at: datetime) -> str:
        """Posts `text` as a reply to the status `post_id`; its link. The `Idempotency-Key`
        makes a retry after a lost answer post once (Mastodon keeps the key an hour)."""
        response = self._request("POST", "/api/v1/statuses", data={"status": text, "in_reply_to_id": post_id},
                                 headers={"Idempotency-Key": f"relais-{key}"})  # fmt: skip
        if response.status_code in (401, 403):
            raise Refused(N_("Mastodon refused the token: it needs the write:statuses scope ({said})."),
                          f"HTTP {response.status_code}")  # fmt: skip
        if response.status_code == 404:
            raise Refused(N_("Mastodon no longer has this message: it was deleted."))
        if response.status_code == 422:
            raise Refused(N_("Mastodon refused the text: {said}"), _error(response))
        if response.status_code >= 400:
            raise _failure(response, self.now)
        status = response.json()
        return str(status.get("url") or status.get("uri", ""))

    def whoami(self) -> str:
        """The account the token opens (`relais doctor`)."""
        me = self._get("/api/v1/accounts/verify_credentials", {})
        return "@" + str(me.get("acct") or me.get("username", ""))

    def _request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One request; a kept-alive connection the server closed is opened anew (a post goes
        with its Idempotency-Key, so sent twice it lands once)."""
        try:
            try:
                return self.client.request(method, path, **kwargs)
            except (httpx.RemoteProtocolError, httpx.ReadError):
                return self.client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise SourceError(f"Mastodon unreachable ({type(exc).__name__})") from None

    def _get(self, path: str, params: dict[str, Any]) -> Any:
        response = self._request("GET", path, params=params)
        if response.status_code in (401, 403):
            raise SourceError(f"Mastodon refused the token (HTTP {response.status_code})")
        if response.status_code >= 400:
            raise _failure(response, self.now)
        return response.json()


def _failure(response: httpx.Response, now: datetime | None) -> SourceError:
    """An answer Mastodon may give differently later: a rate limit says when it lifts
    (`Retry-After`, else `X-RateLimit-Reset`, a time), an outage does not."""
    if response.status_code != 429:
        return SourceError(f"Mastodon answered HTTP {response.status_code}", retry_after(response.headers))
    wait = retry_after(response.headers)
    reset = response.headers.get("x-ratelimit-reset", "")
    if wait is None and reset and now is not None:
        try:
            wait = max(0.0, (_when(reset) - now).total_seconds())
        except ValueError:
            wait = None
    return SourceError("Mastodon asks to wait (HTTP 429)", wait, limited=True)


def _order(network_id: str) -> tuple[int, str]:
    """Mastodon's ids grow with time: numbers compare as numbers, others as text."""
    return (int(network_id), "") if network_id.isdigit() else (0, network_id)


def _when(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _error(response: httpx.Response) -> str:
    """Mastodon's `{"error": "…"}`, as it says it."""
    try:
        return str(response.json().get("error", ""))[:300]
    except ValueError:
        return ""
