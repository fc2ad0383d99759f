"""A fake Bluesky PDS for what the real network of `@atproto/dev-env` will not do here:
answer 429. dev-env runs with rate limits off, and the PDS's own limits count on the wall
clock, for minutes. This one answers a throttled call as `@atproto/xrpc-server` does
(`rate-limiter-http.js`): HTTP 429, `{"error": "RateLimitExceeded", "message": "Rate Limit
Exceeded"}`, `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (Unix seconds),
`RateLimit-Policy` and `Retry-After` (seconds), counted on the test's clock. Otherwise it
logs in (`createSession`) and lists notifications newest first, as the lexicon says."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tests.fakes.http_server import json_api

HANDLE, PASSWORD, DID = "asso.test", "fake-app-password", "did:plc:asso"
ACCESS, REFRESH = "fake-access-jwt", "fake-refresh-jwt"


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class FakePds:
    clock: Callable[[], datetime]
    base: str = ""
    notifications: list[dict[str, Any]] = field(default_factory=list)  # newest first, as listNotifications
    requests: list[str] = field(default_factory=list)  # each NSID asked, in order
    throttled_until: datetime | None = None  # every call answers 429 until then

    def mention(self, handle: str, text: str, at: datetime) -> dict[str, Any]:
        """Someone names the association in a post of their own."""
        rkey = f"3l{len(self.notifications):011d}"
        note = {"uri": f"at://did:plc:{handle.split('.')[0]}/app.bsky.feed.post/{rkey}", "cid": f"bafy{rkey}",
                "author": {"did": f"did:plc:{handle.split('.')[0]}", "handle": handle, "displayName": handle},
                "reason": "mention", "isRead": False, "indexedAt": _stamp(at), "labels": [],
                "record": {"$type": "app.bsky.feed.post", "text": text, "createdAt": _stamp(at)}}  # fmt: skip
        self.notifications.insert(0, note)
        return note

    def answer(self, method: str, nsid: str, auth: str) -> tuple[int, Any, dict[str, str]]:
        self.requests.append(nsid)
        now = self.clock()
        if self.throttled_until is not None and now < self.throttled_until:
            wait = (self.throttled_until - now).total_seconds()
            return 429, {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"}, {
                "RateLimit-Limit": "3000", "RateLimit-Remaining": "0",
                "RateLimit-Reset": str(math.floor(self.throttled_until.timestamp())),
                "RateLimit-Policy": "3000;w=300", "Retry-After": str(math.ceil(wait))}  # fmt: skip
        if nsid == "com.atproto.server.createSession" and method == "POST":
            return 200, {"did": DID, "handle": HANDLE, "accessJwt": ACCESS, "refreshJwt": REFRESH, "active": True}, {}
        if auth != f"Bearer {ACCESS}":
            return 400, {"error": "InvalidToken", "message": "Token could not be verified"}, {}
        if nsid == "app.bsky.notification.listNotifications" and method == "GET":
            return 200, {"notifications": self.notifications, "seenAt": _stamp(now)}, {}
        return 501, {"error": "MethodNotImplemented", "message": "Method Not Implemented"}, {}


@contextmanager
def serving(fake: FakePds) -> Iterator[FakePds]:
    def answer(
        method: str, path: str, _params: dict[str, str], headers: dict[str, str]
    ) -> tuple[int, Any, dict[str, str]]:
        return fake.answer(method, path.removeprefix("/xrpc/"), headers.get("Authorization", ""))

    with json_api(answer) as base:
        fake.base = base
        yield fake
