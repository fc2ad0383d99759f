"""The association's YouTube channel: the comments under its videos, replies included,
read with an API key (YouTube Data API v3). Each round lists the channel's comment
threads newest first (`commentThreads.list` with `allThreadsRelatedToChannelId`) back to
the stored mark, less `REPLY_WINDOW` for replies to recent threads; a thread that holds
more replies than the list shows is read with `comments.list`. Every call costs one unit
of the project's 10,000 a day: the units spent today are kept with the mark, and a day's
budget spent waits for YouTube's midnight (Pacific time). Replying needs the channel
owner's Google sign-in (OAuth), which Relais does not hold: the card links to the comment."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from handlers.core.i18n import N_
from handlers.watch.found import Found, Page, Refused, SourceError, first_line, plain_text, tls

QUOTA = 10_000  # units a day for a project, unless Google granted more
BUDGET = 9_000  # what the watch spends of it (sources.YOUTUBE_LEAST_INTERVAL keeps a quiet day within it)
REPLY_WINDOW = timedelta(days=2)  # a thread this much older than the mark is still read for new replies
PACIFIC = ZoneInfo("America/Los_Angeles")  # YouTube's quota day


class YouTube:
    def __init__(self, api: str, channel: str, key: str, interval: int, *, timeout: float = 10,
                 transport: httpx.BaseTransport | None = None):  # fmt: skip
        self.client = httpx.Client(base_url=api.rstrip("/"), headers={"X-Goog-Api-Key": key},
                                   timeout=timeout, transport=transport, verify=tls())  # fmt: skip
        self.channel, self.interval = channel, interval
        self.units = 0
        self._titles: dict[str, str] = {}

    def close(self) -> None:
        self.client.close()

    def page(self, cursor: str, since: datetime, now: datetime) -> Page:
        """The comments since the mark, oldest first; the cursor keeps the mark and the
        units spent on YouTube's day."""
        state = json.loads(cursor) if cursor.startswith("{") else {}
        mark = datetime.fromisoformat(state["mark"]) if state.get("mark") else since
        today = now.astimezone(PACIFIC).date().isoformat()
        self.units = int(state.get("units", 0)) if state.get("day") == today else 0
        if self.units + 2 > BUDGET:
            raise SourceError(f"YouTube: today's budget of {BUDGET} units is spent", until_midnight(now), limited=True)
        found = self._threads(mark, now)
        found.sort(key=lambda f: (f.posted_at, f.network_id))
        newest = max((f.posted_at for f in found), default=mark)
        return Page(found, json.dumps({"mark": newest.isoformat(), "day": today, "units": self.units}))

    def spent(self, cursor: str, now: datetime) -> int:
        """The units spent on YouTube's day so far (`relais doctor`)."""
        state = json.loads(cursor) if cursor.startswith("{") else {}
        return int(state.get("units", 0)) if state.get("day") == now.astimezone(PACIFIC).date().isoformat() else 0

    def _threads(self, mark: datetime, now: datetime) -> list[Found]:
        found: list[Found] = []
        params: dict[str, Any] = {"part": "snippet,replies", "allThreadsRelatedToChannelId": self.channel,
                                  "order": "time", "maxResults": 100, "textFormat": "plainText"}  # fmt: skip
        while True:
            answer = self._get("/commentThreads", params, now)
            batch = answer.get("items", [])
            recent = [t for t in batch if _posted(t["snippet"]["topLevelComment"]) >= mark - REPLY_WINDOW]
            self._learn_titles({t["snippet"].get("videoId", "") for t in recent} - {""}, now)
            for thread in recent:
                found += self._thread(thread, mark, now)
            if not answer.get("nextPageToken") or len(recent) < len(batch):
                return found
            params["pageToken"] = answer["nextPageToken"]

    def _thread(self, thread: dict[str, Any], mark: datetime, now: datetime) -> list[Found]:
        """A thread's first comment and its replies since `mark` (`comments.list` when the list shows only some)."""
        snippet = thread["snippet"]
        top = snippet["topLevelComment"]
        replies = (thread.get("replies") or {}).get("comments", [])
        if snippet.get("totalReplyCount", 0) > len(replies):
            replies = self._replies(top["id"], now)
        video = snippet.get("videoId", "")
        return [self._item(c, video) for c in [top, *replies] if _posted(c) >= mark]

    def _replies(self, parent: str, now: datetime) -> list[dict[str, Any]]:
        replies: list[dict[str, Any]] = []
        params: dict[str, Any] = {"part": "snippet", "parentId": parent, "maxResults": 100, "textFormat": "plainText"}
        while True:
            answer = self._get("/comments", params, now)
            replies += answer.get("items", [])
            if not answer.get("nextPageToken"):
                return replies
            params["pageToken"] = answer["nextPageToken"]

    def _learn_titles(self, videos: set[str], now: datetime) -> None:
        """The videos' titles, for their cards, 50 per call."""
        wanted = sorted(videos - set(self._titles))
        for start in range(0, len(wanted), 50):
            answer = self._get("/videos", {"part": "snippet", "id": ",".join(wanted[start : start + 50])}, now)
            for video in answer.get("items", []):
                self._titles[video["id"]] = first_line(video.get("snippet", {}).get("title", ""))

    def _item(self, comment: dict[str, Any], video: str) -> Found:
        snippet = comment["snippet"]
        text = snippet.get("textOriginal") or plain_text(snippet.get("textDisplay", ""))
        return Found(
            network_id=comment["id"],
            network="youtube",
            kind="reply",
            author_handle=snippet.get("authorDisplayName", ""),
            author_name="",
            text=text,
            link=f"https://www.youtube.com/watch?v={video}&lc={comment['id']}" if video else "",
            posted_at=_posted(comment),
            thread=video,
            parent_link=f"https://www.youtube.com/watch?v={video}" if video else "",
            parent_excerpt=self._titles.get(video, ""),
        )

    def whoami(self) -> str:
        """The channel the id names (`relais doctor`), for one unit."""
        answer = self._get("/channels", {"part": "snippet", "id": self.channel}, None)
        items = answer.get("items", [])
        if not items:
            raise Refused(
                N_("YouTube has no channel {said}: check YOUTUBE_CHANNEL_ID (it starts with UC)."), self.channel
            )
        return str(items[0]["snippet"].get("title", ""))

    def _get(self, path: str, params: dict[str, Any], now: datetime | None) -> Any:
        self.units += 1
        try:
            response = self.client.get(path, params=params)
        except httpx.HTTPError as exc:
            raise SourceError(f"YouTube unreachable ({type(exc).__name__})") from None
        if response.status_code < 400:
            return response.json()
        raise _refusal(response, now)


def _refusal(response: httpx.Response, now: datetime | None) -> SourceError:
    """Google's `{"error": {"code", "message", "errors": [{"reason"}]}}` as the CM can act on it."""
    try:
        error = response.json().get("error") or {}
    except ValueError:
        error = {}
    reasons = {e.get("reason", "") for e in error.get("errors") or []}
    said = str(error.get("message", ""))[:300]
    if reasons & {"quotaExceeded", "dailyLimitExceeded"}:
        return SourceError(f"YouTube: the project's daily quota is spent ({said})",
                           until_midnight(now) if now else None, limited=True)  # fmt: skip
    if reasons & {"rateLimitExceeded", "userRateLimitExceeded"} or response.status_code == 429:
        return SourceError(f"YouTube asks to wait ({said})", None, limited=True)
    if reasons & {"keyInvalid", "keyExpired"} or "API key" in said:
        return Refused(N_("YouTube refused the API key ({said}): check YOUTUBE_API_KEY (docs/watch.md)."), said)
    if response.status_code >= 500:
        return SourceError(f"YouTube answered HTTP {response.status_code} {said}".rstrip())
    return Refused(N_("YouTube refused it: {said}"), said or f"HTTP {response.status_code}")


def until_midnight(now: datetime | None) -> float | None:
    """Seconds until YouTube's quota day starts again, at midnight Pacific time."""
    if now is None:
        return None
    here = now.astimezone(PACIFIC)
    midnight = datetime.combine(here.date() + timedelta(days=1), datetime.min.time(), PACIFIC)
    return (midnight - here).total_seconds()


def _posted(comment: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(comment["snippet"]["publishedAt"].replace("Z", "+00:00"))
