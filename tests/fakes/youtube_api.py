"""A fake YouTube Data API v3 for one channel, from its documented payloads and error
bodies: `commentThreads.list` (`allThreadsRelatedToChannelId`, `order`, `maxResults` up
to 100, `pageToken`, up to five replies inline), `comments.list` (`parentId`),
`videos.list` and `channels.list`. It counts each call's unit against a daily quota and
answers `quotaExceeded` past it, and refuses a bad key (`API_KEY_INVALID`) and the
parameters YouTube refuses (an unknown `order`, `maxResults` over 100)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tests.fakes.http_server import json_api

KEY = "fake-youtube-key"
CHANNEL = "UCx9aSsoCiAtiOn0000000001"


def google_error(code: int, message: str, reason: str, domain: str = "youtube.api") -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "errors": [{"message": message, "domain": domain,
                                                                    "reason": reason}]}}  # fmt: skip


QUOTA_EXCEEDED = google_error(403, 'The request cannot be completed because you have exceeded your <a href="/youtube'
                              '/v3/getting-started#quota">quota</a>.', "quotaExceeded", "youtube.quota")  # fmt: skip
BAD_KEY = {"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.",
                     "errors": [{"message": "API key not valid. Please pass a valid API key.", "domain": "global",
                                 "reason": "badRequest"}], "status": "INVALID_ARGUMENT",
                     "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID",
                                  "domain": "googleapis.com"}]}}  # fmt: skip


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class FakeYouTube:
    base: str = ""
    videos: dict[str, str] = field(default_factory=dict)  # id -> title
    threads: list[dict[str, Any]] = field(default_factory=list)  # newest last
    replies: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # top-level comment id -> replies
    quota: int = 10_000
    used: int = 0
    requests: list[str] = field(default_factory=list)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def video(self, title: str) -> str:
        video_id = f"vid{next(self._ids):08d}"
        self.videos[video_id] = title
        return video_id

    def comment(self, video: str, name: str, text: str, at: datetime, parent: str = "") -> dict[str, Any]:
        comment_id = f"Ugz{next(self._ids):010d}" + (f".{parent}" if parent else "")
        snippet = {"authorDisplayName": name, "authorChannelUrl": f"http://www.youtube.com/{name}",
                   "textDisplay": text, "textOriginal": text, "publishedAt": _stamp(at), "updatedAt": _stamp(at),
                   "videoId": video, "channelId": CHANNEL, "canRate": True, "likeCount": 0}  # fmt: skip
        if parent:
            snippet["parentId"] = parent
        made = {"kind": "youtube#comment", "etag": "e", "id": comment_id.split(".")[0], "snippet": snippet}
        if parent:
            self.replies.setdefault(parent, []).append(made)
        else:
            self.threads.append({"kind": "youtube#commentThread", "id": made["id"], "snippet": {
                "channelId": CHANNEL, "videoId": video, "topLevelComment": made, "canReply": True,
                "totalReplyCount": 0, "isPublic": True}})  # fmt: skip
        for thread in self.threads:
            thread["snippet"]["totalReplyCount"] = len(self.replies.get(thread["id"], []))
        return made

    def answer(self, path: str, params: dict[str, str], key: str) -> tuple[int, Any]:
        self.requests.append(path)
        if key != KEY:
            return 400, BAD_KEY
        if self.used >= self.quota:
            return 403, QUOTA_EXCEEDED
        self.used += 1
        size = int(params.get("maxResults", "20"))
        if not 1 <= size <= 100:
            return 400, google_error(400, f"Invalid value '{size}'. Values must be within the range: [1, 100]",
                                     "invalidValue")  # fmt: skip
        if path == "/commentThreads":
            if (
                params.get("order", "time") not in ("time", "relevance")
                or params.get("allThreadsRelatedToChannelId") != CHANNEL
            ):
                return 400, google_error(400, "The request specifies an invalid filter parameter.", "invalidFilters")
            listed = [self._shown(t) for t in reversed(self.threads)]
            return 200, self._paged("youtube#commentThreadListResponse", listed, params, size)
        if path == "/comments":
            listed = self.replies.get(params.get("parentId", ""), [])
            return 200, self._paged("youtube#commentListResponse", listed, params, size)
        if path == "/videos":
            ids = params.get("id", "").split(",")
            items = [{"id": v, "snippet": {"title": self.videos[v]}} for v in ids if v in self.videos]
            return 200, {"kind": "youtube#videoListResponse", "items": items}
        if path == "/channels":
            items = (
                [{"id": CHANNEL, "snippet": {"title": "Les Amis du Quartier"}}] if params.get("id") == CHANNEL else []
            )
            return 200, {"kind": "youtube#channelListResponse", "items": items}
        return 404, google_error(404, "Not Found", "notFound", "global")

    def _shown(self, thread: dict[str, Any]) -> dict[str, Any]:
        """A thread as listed: its first five replies inline at most, as YouTube gives them."""
        inline = self.replies.get(thread["id"], [])[:5]
        return {**thread, "replies": {"comments": inline}} if inline else thread

    def _paged(self, kind: str, rows: list[dict[str, Any]], params: dict[str, str], size: int) -> dict[str, Any]:
        start = int(params.get("pageToken") or 0)
        out: dict[str, Any] = {"kind": kind, "pageInfo": {"totalResults": len(rows), "resultsPerPage": size},
                               "items": rows[start : start + size]}  # fmt: skip
        if start + size < len(rows):
            out["nextPageToken"] = str(start + size)
        return out


@contextmanager
def serving(fake: FakeYouTube) -> Iterator[FakeYouTube]:
    def answer(
        _method: str, path: str, params: dict[str, str], headers: dict[str, str]
    ) -> tuple[int, Any, dict[str, str]]:
        status, body = fake.answer(
            path.removeprefix("/youtube/v3"), params, headers.get("X-Goog-Api-Key") or params.get("key", "")
        )
        return status, body, {}

    with json_api(answer) as base:
        fake.base = f"{base}/youtube/v3"
        yield fake
