"""The association's Facebook Page: the comments under its posts, replies included, read
through the Graph API with a Page access token. Each round reads the Page's feed (the
posts of the last `FOLLOWED` days, with when each last drew a comment), then, for each
post commented since the stored mark, its comments newest first (`filter=stream` brings
the replies too) back to the mark. Comment ids need the Page's MODERATE task: without it
Facebook sends comments without ids, and the round says so rather than storing them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from handlers.core.i18n import N_
from handlers.watch.found import Found, Page, Refused, SourceError, first_line, retry_after, tls

FOLLOWED = timedelta(days=30)  # posts older than this are not followed for new comments
LIMIT = 100
POST_FIELDS = "id,message,permalink_url,created_time,updated_time"
COMMENT_FIELDS = "id,message,from{id,name},created_time,permalink_url,parent{id}"
LIMITED = (4, 17, 32, 613, 80001)  # the app's, the user's, the Page's and custom rate limits
TOKEN = N_("Facebook refused the Page token: it expired or was revoked ({said}). Make a new one (docs/facebook.md) "
           "and put it in FACEBOOK_PAGE_TOKEN.")  # fmt: skip


class Facebook:
    def __init__(self, graph: str, page_id: str, token: str, *, timeout: float = 10,
                 transport: httpx.BaseTransport | None = None):  # fmt: skip
        self.client = httpx.Client(base_url=graph.rstrip("/"), headers={"Authorization": f"Bearer {token}"},
                                   timeout=timeout, transport=transport, verify=tls())  # fmt: skip
        self.page_id = page_id
        self.newest = datetime.min.replace(tzinfo=UTC)  # the newest comment read this round: the next mark

    def close(self) -> None:
        self.client.close()

    def page(self, cursor: str, since: datetime, now: datetime) -> Page:
        """The comments since the mark `cursor` (the newest comment's time read), else since
        `since`, oldest first; the mark moves once all is in."""
        mark = self.newest = _when(cursor) if cursor else since
        found: list[Found] = []
        for post in self._posts(min(since, now - FOLLOWED)):
            if _when(post.get("updated_time") or post["created_time"]) > mark:
                found += self._comments(post, mark)
        found.sort(key=lambda f: (f.posted_at, f.network_id))
        return Page(found, self.newest.isoformat())

    def _posts(self, oldest: datetime) -> list[dict[str, Any]]:
        """The Page's posts, newest first, back to `oldest`."""
        posts: list[dict[str, Any]] = []
        params: dict[str, Any] = {"fields": POST_FIELDS, "limit": 25}
        while True:
            answer = self._get(f"/{self.page_id}/feed", params)
            batch = answer.get("data", [])
            posts += [p for p in batch if _when(p["created_time"]) >= oldest]
            after = _after(answer)
            if not after or not batch or _when(batch[-1]["created_time"]) < oldest:
                return posts
            params["after"] = after

    def _comments(self, post: dict[str, Any], mark: datetime) -> list[Found]:
        """A post's comments and replies since `mark`, the Page's own left out."""
        found: list[Found] = []
        params: dict[str, Any] = {"filter": "stream", "order": "reverse_chronological",
                                  "fields": COMMENT_FIELDS, "limit": LIMIT}  # fmt: skip
        while True:
            answer = self._get(f"/{post['id']}/comments", params)
            batch = answer.get("data", [])
            fresh = [c for c in batch if _when(c["created_time"]) >= mark]
            if any("id" not in c for c in fresh):
                raise Refused(N_("Facebook gives no comment ids: the token's person needs the Page's MODERATE "
                                 "task (docs/facebook.md)."))  # fmt: skip
            found += [self._item(post, c) for c in fresh if (c.get("from") or {}).get("id") != self.page_id]
            self.newest = max([self.newest, *(_when(c["created_time"]) for c in fresh)])  # the Page's own too
            after = _after(answer)
            if not after or len(fresh) < len(batch):
                return found
            params["after"] = after

    def _item(self, post: dict[str, Any], comment: dict[str, Any]) -> Found:
        author = comment.get("from") or {}
        parent = (comment.get("parent") or {}).get("id", "")
        return Found(
            network_id=comment["id"],
            network="facebook",
            kind="reply",
            author_handle=author.get("name", ""),
            author_name="",
            text=comment.get("message", ""),
            link=comment.get("permalink_url", ""),
            posted_at=_when(comment["created_time"]),
            thread=post["id"],
            parent_link=post.get("permalink_url", ""),
            parent_excerpt=first_line(post.get("message", "")),
            post_id=parent or comment["id"],  # Facebook threads one level deep: a reply answers its comment
        )

    def reply(self, comment_id: str, text: str, key: str, at: datetime) -> str:
        """Posts `text` as the Page, a reply to the comment; its link. Facebook takes no
        idempotency key: a retry first looks for the Page's reply with this text."""
        params = {"filter": "stream", "order": "reverse_chronological", "fields": "id,message,from{id},permalink_url",
                  "limit": LIMIT}  # fmt: skip
        for known in self._get(f"/{comment_id}/comments", params).get("data", []):
            if (known.get("from") or {}).get("id") == self.page_id and known.get("message") == text:
                return str(known.get("permalink_url", ""))  # posted already: the answer was lost
        posted = self._send("POST", f"/{comment_id}/comments", data={"message": text})
        made = str(posted.get("id", ""))
        return str(self._get(f"/{made}", {"fields": "permalink_url"}).get("permalink_url", ""))

    def hide(self, comment_id: str, hidden: bool, at: datetime) -> None:
        """Hides a comment (its author and their friends still see it; nobody else does), or shows it again."""
        self._send("POST", f"/{comment_id}", data={"is_hidden": "true" if hidden else "false"})

    def whoami(self) -> str:
        """The Page the token opens (`relais doctor`)."""
        return str(self._get(f"/{self.page_id}", {"fields": "name"}).get("name", ""))

    def _get(self, path: str, params: dict[str, Any]) -> Any:
        return self._send("GET", path, params=params)

    def _send(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self.client.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise SourceError(f"Facebook unreachable ({type(exc).__name__})") from None
        if response.status_code < 400:
            return response.json()
        raise _refusal(response)


def _refusal(response: httpx.Response) -> SourceError:
    """The Graph API's error as the CM can act on it: `{"error": {"code", "error_subcode", "message"}}`."""
    try:
        error = response.json().get("error") or {}
    except ValueError:
        error = {}
    code, sub, said = error.get("code"), error.get("error_subcode"), str(error.get("message", ""))[:300]
    if code == 190 or code == 102:
        return Refused(TOKEN, said)
    if code in LIMITED:
        return SourceError(f"Facebook asks to wait (code {code}: {said})", _regain(response), limited=True)
    if code == 10 or (isinstance(code, int) and 200 <= code <= 299):
        return Refused(N_("Facebook refused a permission the Page token lacks: {said} (docs/facebook.md)"), said)
    if code == 100 and sub == 33:
        return Refused(N_("Facebook no longer has this message: it was deleted."))
    if response.status_code >= 500 or code in (1, 2):
        return SourceError(f"Facebook answered HTTP {response.status_code} {said}".rstrip())
    return Refused(N_("Facebook refused it: {said}"), said or f"HTTP {response.status_code}")


def _regain(response: httpx.Response) -> float | None:
    """How long Facebook asks to wait: the Page's `X-Business-Use-Case-Usage` says in minutes."""
    if (asked := retry_after(response.headers)) is not None:
        return asked
    try:
        usage = json.loads(response.headers.get("x-business-use-case-usage", "") or "{}")
    except ValueError:
        return None
    minutes = [u.get("estimated_time_to_regain_access", 0) for uses in usage.values() for u in uses]
    return max(minutes) * 60.0 if minutes and max(minutes) else None


def _after(answer: dict[str, Any]) -> str:
    """The next page's cursor, when Facebook says there is one."""
    paging = answer.get("paging") or {}
    return str((paging.get("cursors") or {}).get("after", "")) if paging.get("next") else ""


def _when(stamp: str) -> datetime:
    """Facebook's times, `2026-12-07T09:30:00+0000`."""
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S%z") if "T" in stamp and stamp[-5] in "+-" else \
        datetime.fromisoformat(stamp.replace("Z", "+00:00"))  # fmt: skip
