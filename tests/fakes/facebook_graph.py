"""A fake Facebook Graph API for a Page, from its documented payloads and error bodies:
`GET /{page-id}/feed`, `GET /{object-id}/comments` (`filter` toplevel or stream, `order`
chronological or reverse_chronological, `fields` with nested fields, cursor paging),
`POST /{comment-id}/comments` (a reply), `POST /{comment-id}` with `is_hidden`, and
`GET /{id}?fields=…`. It refuses what the Graph API refuses: a field a node does not
have, a filter or order it does not know, an empty message, an unknown object (code 100,
subcode 33), a bad or expired token (code 190), and, when told, the rate limits (codes 4,
17, 32, 613) with the Page's `X-Business-Use-Case-Usage` header. Without the MODERATE
task, comments come without their ids, as documented since v11."""

from __future__ import annotations

import base64
import itertools
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from tests.fakes.http_server import json_api

TOKEN = "fake-page-token"
PAGE = {"id": "1000", "name": "Les Amis du Quartier"}
POST_FIELDS = {"id", "message", "permalink_url", "created_time", "updated_time", "from", "is_hidden"}
COMMENT_FIELDS = {"id", "message", "from", "created_time", "permalink_url", "parent", "is_hidden", "like_count"}
PAGE_FIELDS = {"id", "name", "link"}


def stamp(at: datetime) -> str:
    """As the Graph API writes times: `2026-12-07T09:30:00+0000`."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def error(code: int, message: str, kind: str = "OAuthException", sub: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"message": message, "type": kind, "code": code, "fbtrace_id": "AbCdEfGh123"}
    if sub is not None:
        body["error_subcode"] = sub
    return {"error": body}


def split_fields(raw: str) -> dict[str, set[str]]:
    """`id,from{id,name},parent{id}` -> {"id": set(), "from": {"id", "name"}, "parent": {"id"}}."""
    out: dict[str, set[str]] = {}
    depth, word, inner = 0, "", ""
    for char in raw + ",":
        if char == "{":
            depth += 1
            if depth == 1:
                continue
        elif char == "}":
            depth -= 1
            if depth == 0:
                continue
        if depth >= 1:
            inner += char
        elif char == ",":
            if word.strip():
                out[word.strip()] = {f.strip() for f in inner.split(",") if f.strip()}
            word, inner = "", ""
        else:
            word += char
    return out


@dataclass
class FakeGraph:
    """The Page's posts and comments in memory; `base` once `serving()` has started."""

    base: str = ""
    posts: dict[str, dict[str, Any]] = field(default_factory=dict)
    comments: dict[str, dict[str, Any]] = field(default_factory=dict)
    moderate: bool = True  # the token's person can perform the Page's MODERATE task
    expired: bool = False
    limited: list[tuple[int, int]] = field(default_factory=list)  # (code, minutes to regain access) per next request
    requests: list[tuple[str, str]] = field(default_factory=list)  # (method, path) each asked, in order
    clock: Callable[[], datetime] = lambda: datetime(2026, 12, 7, 9, tzinfo=UTC)  # when a reply posted now is dated
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(5001))

    def post(self, message: str, at: datetime) -> dict[str, Any]:
        post_id = f"{PAGE['id']}_{next(self._ids)}"
        post = {"id": post_id, "message": message, "created_time": stamp(at), "updated_time": stamp(at),
                "permalink_url": f"https://www.facebook.com/{PAGE['id']}/posts/{post_id.split('_')[1]}",
                "from": dict(PAGE)}  # fmt: skip
        self.posts[post_id] = post
        return post

    def comment(self, on: str, name: str, message: str, at: datetime) -> dict[str, Any]:
        """A comment on a post, or a reply to a comment (`on` a comment's id)."""
        parent = self.comments.get(on)
        post_id = parent["post_id"] if parent else on
        if parent and parent.get("parent"):
            parent = self.comments[parent["parent"]["id"]]  # Facebook threads one level deep
        comment_id = f"{post_id.split('_')[1]}_{next(self._ids)}"
        person = PAGE if name == PAGE["name"] else {"id": str(abs(hash(name)) % 10**9), "name": name}
        made = {"id": comment_id, "message": message, "from": dict(person), "created_time": stamp(at),
                "post_id": post_id, "is_hidden": False, "like_count": 0,
                "permalink_url": f"{self.posts[post_id]['permalink_url']}?comment_id={comment_id}"}  # fmt: skip
        if parent:
            made["parent"] = {"id": parent["id"], "message": parent["message"], "created_time": parent["created_time"]}
        self.comments[comment_id] = made
        self.posts[post_id]["updated_time"] = max(self.posts[post_id]["updated_time"], made["created_time"])
        return made

    def answer(self, method: str, path: str, params: dict[str, str], auth: str) -> tuple[int, Any, dict[str, str]]:
        self.requests.append((method, path))
        token = auth.removeprefix("Bearer ").removeprefix("OAuth ") or params.get("access_token", "")
        if token != TOKEN:
            return 400, error(190, "Invalid OAuth access token - Cannot parse access token"), {}
        if self.expired:
            return 400, error(190, "Error validating access token: Session has expired on Sunday, 06-Dec-26 "
                                   "10:00:00 PST. The current time is Monday, 07-Dec-26 09:00:00 PST.", sub=463), {}  # fmt: skip
        if self.limited:
            code, minutes = self.limited.pop(0)
            usage = {PAGE["id"]: [{"type": "pages", "call_count": 100, "total_cputime": 30, "total_time": 40,
                                   "estimated_time_to_regain_access": minutes}]}  # fmt: skip
            said = {4: "(#4) Application request limit reached", 17: "(#17) User request limit reached",
                    32: "(#32) Page request limit reached", 613: "(#613) Calls to this api have exceeded the rate limit."}  # fmt: skip
            return 400, error(code, said[code]), {"X-Business-Use-Case-Usage": json.dumps(usage)}
        parts = path.strip("/").split("/")
        if len(parts) == 2 and parts[1] == "feed" and parts[0] == PAGE["id"] and method == "GET":
            return self._listed(list(reversed(self.posts.values())), params, POST_FIELDS, "Post")
        if len(parts) == 2 and parts[1] == "comments":
            return self._comments(method, parts[0], params)
        if len(parts) == 1 and method == "POST" and parts[0] in self.comments:
            return self._hide(parts[0], params)
        if len(parts) == 1 and method == "GET":
            found = PAGE if parts[0] == PAGE["id"] else self.posts.get(parts[0]) or self.comments.get(parts[0])
            if found is not None:
                known = PAGE_FIELDS if found is PAGE else POST_FIELDS if parts[0] in self.posts else COMMENT_FIELDS
                return self._shaped(found, params.get("fields", "id"), known, "Node")
        return 400, _unknown(method, parts[0]), {}

    def _comments(self, method: str, object_id: str, params: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        if object_id not in self.posts and object_id not in self.comments:
            return 400, _unknown(method, object_id), {}
        if method == "POST":
            message = params.get("message", "")
            if not message.strip():
                return 400, error(100, "(#100) Missing message or attachment", "GraphMethodException"), {}
            made = self.comment(object_id, PAGE["name"], message, self.clock())
            return 200, {"id": made["id"]}, {}
        kind = params.get("filter", "toplevel")
        order = params.get("order", "chronological")
        if kind not in ("toplevel", "stream") or order not in ("chronological", "reverse_chronological"):
            return 400, error(100, "(#100) Param filter must be one of {toplevel, stream}" if kind not in
                              ("toplevel", "stream") else "(#100) Param order must be one of {chronological, "
                              "reverse_chronological}", "GraphMethodException"), {}  # fmt: skip
        if object_id in self.posts:
            found = [c for c in self.comments.values() if c["post_id"] == object_id
                     and (kind == "stream" or "parent" not in c)]  # fmt: skip
        else:
            found = [c for c in self.comments.values() if c.get("parent", {}).get("id") == object_id]
        found.sort(key=lambda c: c["created_time"], reverse=order == "reverse_chronological")
        return self._listed(found, params, COMMENT_FIELDS, "Comment")

    def _hide(self, comment_id: str, params: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        raw = params.get("is_hidden")
        if raw not in ("true", "false"):
            return 400, error(100, "(#100) Param is_hidden must be a boolean", "GraphMethodException"), {}
        if self.comments[comment_id]["from"]["id"] == PAGE["id"]:
            return 400, error(100, "(#100) The Page cannot hide its own comment", "GraphMethodException"), {}
        self.comments[comment_id]["is_hidden"] = raw == "true"
        return 200, {"success": True}, {}

    def _listed(self, rows: list[dict[str, Any]], params: dict[str, str], known: set[str],
                node: str) -> tuple[int, Any, dict[str, str]]:  # fmt: skip
        limit = min(int(params.get("limit") or 25), 100)
        start = int(base64.b64decode(params["after"]).decode()) if params.get("after") else 0
        chosen = rows[start : start + limit]
        data = []
        for row in chosen:
            status, shaped, _headers = self._shaped(row, params.get("fields", "id,message,created_time"), known, node)
            if status != 200:
                return status, shaped, {}
            data.append(shaped)
        paging: dict[str, Any] = {}
        if chosen:
            after = base64.b64encode(str(start + len(chosen)).encode()).decode()
            before = base64.b64encode(str(start).encode()).decode()
            paging = {"cursors": {"before": before, "after": after}}
            if start + len(chosen) < len(rows):
                paging["next"] = f"{self.base}/?{urlencode({**params, 'after': after})}"
        return 200, {"data": data, "paging": paging} if paging else {"data": data}, {}

    def _shaped(self, row: dict[str, Any], fields: str, known: set[str], node: str) -> tuple[int, Any, dict[str, str]]:
        wanted = split_fields(fields)
        for name in wanted:
            if name not in known:
                return 400, error(100, f"(#100) Tried accessing nonexisting field ({name}) on node type ({node})"), {}
        shaped: dict[str, Any] = {}
        for name, inner in wanted.items():
            if name not in row or (name == "id" and node == "Comment" and not self.moderate):
                continue
            value = row[name]
            shaped[name] = (
                {k: v for k, v in value.items() if k in inner} if inner and isinstance(value, dict) else value
            )
        if "id" not in wanted and node != "Comment":
            shaped["id"] = row["id"]
        return 200, shaped, {}


def _unknown(method: str, object_id: str) -> dict[str, Any]:
    return error(100, f"Unsupported {method.lower()} request. Object with ID '{object_id}' does not exist, cannot be "
                 "loaded due to missing permissions, or does not support this operation.", "GraphMethodException", 33)  # fmt: skip


@contextmanager
def serving(fake: FakeGraph) -> Iterator[FakeGraph]:
    def answer(
        method: str, path: str, params: dict[str, str], headers: dict[str, str]
    ) -> tuple[int, Any, dict[str, str]]:
        return fake.answer(method, path.removeprefix("/v25.0"), params, headers.get("Authorization", ""))

    with json_api(answer) as base:
        fake.base = f"{base}/v25.0"
        yield fake
