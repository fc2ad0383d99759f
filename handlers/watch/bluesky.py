"""Bluesky: the account's reply, mention and quote notifications
(`app.bsky.notification.listNotifications`), read newest first back to the stored mark.
The session is kept for the process and refreshed, never a login per round (Bluesky allows
30 logins per 5 minutes). Nothing is marked seen (no `updateSeen`): the CM's own apps keep
their unread counts."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any

import httpx

from handlers.core.i18n import N_
from handlers.watch.found import Found, Page, Refused, SourceError, first_line, retry_after, tls

LIMIT = 100
REASONS = ("reply", "mention", "quote")
HIDDEN_MOST = 300  # the thread gate's `hiddenReplies` holds at most this many
_SESSIONS: dict[tuple[str, str], dict[str, str]] = {}  # (service, handle) -> the session's tokens


class Bluesky:
    def __init__(self, service: str, handle: str, password: str, *, timeout: float = 10,
                 transport: httpx.BaseTransport | None = None):  # fmt: skip
        self.client = httpx.Client(base_url=service.rstrip("/"), timeout=timeout, transport=transport, verify=tls())
        self.session_key, self.handle, self.password = (service.rstrip("/"), handle.lstrip("@")), handle, password
        self._posts: dict[str, tuple[str, str]] = {}
        self.now: datetime | None = None  # the round's clock, for Bluesky's `ratelimit-reset`

    def close(self) -> None:
        self.client.close()

    def page(self, cursor: str, since: datetime, now: datetime) -> Page:
        """Everything after the mark `cursor` (the newest `indexedAt` read), else since `since`:
        read newest first, handed over oldest first, the mark moved only once all is in."""
        mark, self.now = cursor or since.isoformat(), now
        kept: list[dict[str, Any]] = []
        params: dict[str, Any] = {"limit": LIMIT, "reasons": list(REASONS)}
        while True:
            answer = self._call("GET", "app.bsky.notification.listNotifications", params=params)
            batch = answer.get("notifications", [])
            fresh = [n for n in batch if _when(n["indexedAt"]) >= _when(mark)]
            kept += [n for n in fresh if n.get("reason") in REASONS]
            if not answer.get("cursor") or len(fresh) < len(batch) or not batch:
                break
            params["cursor"] = answer["cursor"]
        newest = max((n["indexedAt"] for n in kept), key=_when, default=cursor)
        kept.sort(key=lambda n: (_when(n["indexedAt"]), n["uri"]))
        self._learn_posts({_subject(n) for n in kept} - {""})
        return Page([self._item(n) for n in kept], newest or "")

    def _item(self, notification: dict[str, Any]) -> Found:
        record, author = notification.get("record") or {}, notification.get("author") or {}
        subject = _subject(notification)
        link, excerpt = self._posts.get(subject, ("", "")) if subject else ("", "")
        return Found(
            network_id=notification["uri"],
            network="bluesky",
            kind=notification["reason"],
            author_handle="@" + author.get("handle", ""),
            author_name=author.get("displayName") or "",
            text=with_links(record.get("text", ""), record.get("facets") or []),
            link=permalink(author.get("handle", ""), notification["uri"]),
            posted_at=_when(record.get("createdAt") or notification["indexedAt"]),
            thread=subject,
            parent_link=link,
            parent_excerpt=excerpt,
            post_id=notification["uri"],
        )

    def _learn_posts(self, uris: set[str]) -> None:
        """The association's posts these items answer: their link and first line, 25 per call."""
        wanted = sorted(uris - set(self._posts))
        for start in range(0, len(wanted), 25):
            answer = self._call("GET", "app.bsky.feed.getPosts", params={"uris": wanted[start : start + 25]})
            for post in answer.get("posts", []):
                handle = (post.get("author") or {}).get("handle", "")
                text = (post.get("record") or {}).get("text", "")
                self._posts[post["uri"]] = (permalink(handle, post["uri"]), first_line(text))

    def reply(self, post_id: str, text: str, key: str, at: datetime) -> str:
        """Posts `text` as the association, a reply to the post `post_id` in its thread (root
        and parent); its link. The record key is worked out from `key` and `at`, so a retry
        after a lost answer finds the post there instead of posting it twice."""
        me, rkey = self._session(), tid(at, key)
        uri = f"at://{me['did']}/app.bsky.feed.post/{rkey}"
        asked = {"repo": me["did"], "collection": "app.bsky.feed.post", "rkey": rkey}
        if self._send("GET", "com.atproto.repo.getRecord", token=me["accessJwt"], params=asked).status_code == 200:
            return permalink(me["handle"], uri)  # posted already: the answer was lost
        posts = self._call("GET", "app.bsky.feed.getPosts", params={"uris": [post_id]}).get("posts", [])
        if not posts:
            raise Refused(N_("Bluesky no longer has this message: it was deleted."))
        parent = {"uri": posts[0]["uri"], "cid": posts[0]["cid"]}
        root = ((posts[0].get("record") or {}).get("reply") or {}).get("root") or parent
        record = {"$type": "app.bsky.feed.post", "text": text, "createdAt": at.isoformat().replace("+00:00", "Z"),
                  "reply": {"root": root, "parent": parent}, "facets": link_facets(text)}  # fmt: skip
        self._call("POST", "com.atproto.repo.createRecord", json={**asked, "record": record})
        return permalink(me["handle"], uri)

    def hide(self, uri: str, hidden: bool, at: datetime) -> None:
        """Hides a reply in the association's thread, or shows it again: the thread gate of
        the thread's root post lists it in `hiddenReplies` (Bluesky's apps then fold it away
        for everyone but the association). Whatever the gate held (who may reply, other
        hidden replies) is kept; `swapRecord` refuses to write over a gate changed meanwhile."""
        me = self._session()
        posts = self._call("GET", "app.bsky.feed.getPosts", params={"uris": [uri]}).get("posts", [])
        if not posts:
            raise Refused(N_("Bluesky no longer has this message: it was deleted."))
        root = str((((posts[0].get("record") or {}).get("reply") or {}).get("root") or {}).get("uri", ""))
        if not root.startswith(f"at://{me['did']}/app.bsky.feed.post/"):
            raise Refused(
                N_("Bluesky lets only a thread's author hide its replies, and this thread is not the association's.")
            )
        asked = {"repo": me["did"], "collection": "app.bsky.feed.threadgate", "rkey": root.rsplit("/", 1)[-1]}
        found = self._send("GET", "com.atproto.repo.getRecord", token=me["accessJwt"], params=asked)
        known = found.json() if found.status_code == 200 else {}
        gate = known.get("value") or {"$type": "app.bsky.feed.threadgate", "post": root,
                                      "createdAt": at.isoformat().replace("+00:00", "Z")}  # fmt: skip
        listed = [u for u in gate.get("hiddenReplies", []) if u != uri] + ([uri] if hidden else [])
        if len(listed) > HIDDEN_MOST:
            raise Refused(N_("Bluesky hides at most 300 replies in a thread."))
        swap = {"swapRecord": known["cid"]} if known.get("cid") else {}
        self._call(
            "POST", "com.atproto.repo.putRecord", json={**asked, "record": {**gate, "hiddenReplies": listed}, **swap}
        )

    def whoami(self) -> str:
        """The account the app password opens (`relais doctor`)."""
        return "@" + self._session()["handle"]

    def _session(self) -> dict[str, str]:
        known = _SESSIONS.get(self.session_key)
        if known is None:
            known = self._post("com.atproto.server.createSession",
                               {"identifier": self.handle.lstrip("@"), "password": self.password})  # fmt: skip
            _SESSIONS[self.session_key] = known
        return known

    def _refresh(self) -> None:
        """A new access token from the refresh token; a login only when that one expired too."""
        known = _SESSIONS.pop(self.session_key, None)
        if known is not None:
            response = self._send("POST", "com.atproto.server.refreshSession", token=known["refreshJwt"])
            if response.status_code == 200:
                _SESSIONS[self.session_key] = response.json()
                return
        self._session()

    def _call(self, method: str, nsid: str, **kwargs: Any) -> Any:
        response = self._send(method, nsid, token=self._session()["accessJwt"], **kwargs)
        if response.status_code in (400, 401) and _error(response) in ("ExpiredToken", "InvalidToken"):
            self._refresh()
            response = self._send(method, nsid, token=self._session()["accessJwt"], **kwargs)
        return _checked(response, self.now)

    def _post(self, nsid: str, body: dict[str, str]) -> Any:
        return _checked(self._send("POST", nsid, json=body), self.now)

    def _send(self, method: str, nsid: str, token: str = "", **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            return self.client.request(method, f"/xrpc/{nsid}", headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise SourceError(f"Bluesky unreachable ({type(exc).__name__})") from None


def _checked(response: httpx.Response, now: datetime | None) -> Any:
    if response.status_code == 401 or _error(response) == "AuthenticationRequired":
        raise Refused(N_("Bluesky refused the handle or the app password (HTTP 401)"))
    if response.status_code == 429:
        raise SourceError("Bluesky asks to wait (HTTP 429)", _retry_after(response, now), limited=True)
    if 400 <= response.status_code < 500:  # a request Bluesky will refuse again, as it is
        raise Refused(N_("Bluesky refused it: {said}"), f"HTTP {response.status_code} {_message(response)}".strip())
    if response.status_code >= 400:
        raise SourceError(f"Bluesky answered HTTP {response.status_code} {_error(response)}".rstrip())
    return response.json()


def _retry_after(response: httpx.Response, now: datetime | None) -> float | None:
    """`Retry-After` in seconds, else Bluesky's `ratelimit-reset` (a Unix time)."""
    if (asked := retry_after(response.headers)) is not None:
        return asked
    reset = response.headers.get("ratelimit-reset", "")
    return max(0.0, float(reset) - now.timestamp()) if reset.isdigit() and now else None


def _message(response: httpx.Response) -> str:
    """Bluesky's own words for a refusal ("Record/text must not be longer than 300 graphemes")."""
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("message") or body.get("error") or "")[:300]


_TID_CHARS = "234567abcdefghijklmnopqrstuvwxyz"
_URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)\]}'»]")


def tid(at: datetime, key: str) -> str:
    """A record key as Bluesky writes them (a TID: microseconds and a clock id, base32
    sortable), the same for the same reply: a retry finds its post by it."""
    clock = int(hashlib.sha256(key.encode()).hexdigest(), 16) % 1024
    value, out = (int(at.timestamp() * 1_000_000) << 10) | clock, ""
    for _ in range(13):
        out, value = _TID_CHARS[value & 31] + out, value >> 5
    return out


def link_facets(text: str) -> list[dict[str, Any]]:
    """Each address in the text made a link, as Bluesky's apps do (places in UTF-8 bytes)."""
    facets = []
    for found in _URL.finditer(text):
        start = len(text[: found.start()].encode())
        facets.append({"index": {"byteStart": start, "byteEnd": start + len(found[0].encode())},
                       "features": [{"$type": "app.bsky.richtext.facet#link", "uri": found[0]}]})  # fmt: skip
    return facets


def _error(response: httpx.Response) -> str:
    try:
        return str(response.json().get("error", ""))
    except ValueError:
        return ""


def _subject(notification: dict[str, Any]) -> str:
    """The association's post a reply or a quote is about; a mention has none."""
    if notification.get("reason") == "mention":
        return ""
    record = notification.get("record") or {}
    if notification.get("reasonSubject"):
        return str(notification["reasonSubject"])
    if notification.get("reason") == "reply":
        return str(((record.get("reply") or {}).get("parent") or {}).get("uri", ""))
    embed = record.get("embed") or {}
    inner = embed.get("record") or {}
    return str((inner.get("record") or inner).get("uri", ""))


def permalink(handle: str, uri: str) -> str:
    """`at://did/app.bsky.feed.post/rkey` as people open it."""
    return f"https://bsky.app/profile/{handle}/post/{uri.rsplit('/', 1)[-1]}"


def with_links(text: str, facets: list[dict[str, Any]]) -> str:
    """The post's text with each link as its whole address: apps show links shortened, the
    facet holds the address (its place counted in UTF-8 bytes)."""
    raw, out, at = text.encode(), [], 0
    links = [(f["index"]["byteStart"], f["index"]["byteEnd"], feature["uri"])
             for f in facets if "index" in f for feature in f.get("features", [])
             if feature.get("$type") == "app.bsky.richtext.facet#link" and feature.get("uri")]  # fmt: skip
    for start, end, uri in sorted(links):
        if start < at or end > len(raw):
            continue
        out += [raw[at:start].decode(errors="replace"), uri]
        at = end
    return "".join(out) + raw[at:].decode(errors="replace")


def _when(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))
