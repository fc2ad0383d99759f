"""A fake Mattermost server speaking the REST API v4 (and the command response_url).

It refuses what a real server refuses (server/public/model/integration_action.go,
server/channels/app/post.go, api4/post.go): a reply to a reply, a dialog over
its limits (counted in bytes, as Go's len() counts), a message edit after
`ServiceSettings.PostEditTimeLimit`; and it keeps the posts it made so that
`GET /api/v4/posts/{id}` answers. What a real server would only log goes to
`problems`, and the tests fail on it."""

from __future__ import annotations

import itertools
import time
from typing import Any

from tests.fakes.http_server import Failure, RecordingServer
from tests.fakes.mattermost_socket import MattermostSocket

BOT_ID = "botuserid"
TOKEN = "mm-bot-token-secret"  # the bot's access token in the tests' settings
SERVER_ERROR = Failure(status=500, body={"id": "app.internal", "message": "boom", "status_code": 500})
RATELIMITED = Failure(
    status=429, body={"id": "api.context.rate_limit", "status_code": 429}, headers={"Retry-After": "1"}
)
PROXY_ERROR = Failure(status=502, html="<html><body><h1>502 Bad Gateway</h1>nginx</body></html>")

DIALOG_TITLE_MAX = 24
ELEMENT_DISPLAY_NAME_MAX = 24
ELEMENT_NAME_MAX = 300
ELEMENT_HELP_TEXT_MAX = 150
TEXT_MAX = {"text": 150, "textarea": 3000, "select": 3000, "date": 150}


def _error(status: int, error_id: str) -> tuple[int, dict[str, Any]]:
    return status, {"id": error_id, "message": error_id, "status_code": status}


def dialog_problems(request: dict[str, Any]) -> list[str]:
    """OpenDialogRequest.IsValid, as the server checks it (lengths in bytes)."""
    size = lambda value: len(str(value or "").encode())
    problems = []
    if not request.get("url") or not request.get("trigger_id"):
        problems.append("empty url or trigger id")
    dialog = request.get("dialog") or {}
    if not dialog.get("title") or size(dialog["title"]) > DIALOG_TITLE_MAX:
        problems.append(f"invalid dialog title {dialog.get('title')!r} ({size(dialog.get('title'))} bytes)")
    names: set[str] = set()
    for element in dialog.get("elements") or []:
        name, kind = element.get("name", ""), element.get("type", "")
        if name in names:
            problems.append(f"duplicate dialog element {name!r}")
        names.add(name)
        if not element.get("display_name") or size(element["display_name"]) > ELEMENT_DISPLAY_NAME_MAX:
            problems.append(
                f"{name!r}: display_name {element.get('display_name')!r} is {size(element.get('display_name'))} bytes"
            )
        if not name or size(name) > ELEMENT_NAME_MAX:
            problems.append(f"{name!r}: invalid name")
        if size(element.get("help_text")) > ELEMENT_HELP_TEXT_MAX:
            problems.append(f"{name!r}: help_text is {size(element.get('help_text'))} bytes")
        if kind not in TEXT_MAX:
            problems.append(f"{name!r}: invalid element type {kind!r}")
            continue
        for key in ("default", "placeholder"):
            if size(element.get(key)) > TEXT_MAX[kind]:
                problems.append(f"{name!r}: {key} is {size(element.get(key))} bytes, over {TEXT_MAX[kind]} for {kind}")
        if kind == "text" and int(element.get("max_length") or 0) > TEXT_MAX["text"]:
            problems.append(
                f"{name!r}: a text element holds {TEXT_MAX['text']} characters, asked {element['max_length']}"
            )
        if int(element.get("min_length") or 0) > int(element.get("max_length") or 0):
            problems.append(f"{name!r}: min length over max length")
        if kind == "select" and element.get("data_source") not in (None, "", "users", "channels", "dynamic"):
            problems.append(f"{name!r}: invalid data_source {element['data_source']!r}")
        if kind == "select" and element.get("default") and not element.get("data_source"):
            if element["default"] not in [o.get("value") for o in element.get("options") or []]:
                problems.append(f"{name!r}: default value not in options")
    return problems


class FakeMattermost(RecordingServer):
    def __init__(self, port: int = 0) -> None:
        self._ids = itertools.count(1)
        super().__init__(self._respond, port)
        self.url = self.base
        self._hooks = itertools.count(1)
        self.posts: dict[str, dict[str, Any]] = {}
        self.edit_limit: int | None = None  # seconds, like ServiceSettings.PostEditTimeLimit (-1/None = none)
        self.commands: dict[str, dict[str, Any]] = {}
        self.outgoing_hooks: dict[str, dict[str, Any]] = {}
        self.outside: set[str] = set()  # channels the bot is not a member of: posting there is forbidden
        self.channels: dict[str, str] = {}  # the bot's channels and their type (O, P, D): the REST catch-up's
        self.socket = MattermostSocket(TOKEN, BOT_ID)

    def upgrade(self, handler: Any) -> None:
        """`GET /api/v4/websocket` with `Upgrade: websocket`: the event stream."""
        if handler.path.split("?")[0].rstrip("/") == "/api/v4/websocket":
            self.socket.serve(handler)

    def response_url(self) -> str:
        return f"{self.base}/hooks/commands/{next(self._hooks)}"

    def api(self, path: str) -> str:
        return f"/api/v4{path}"

    def wait_api(self, path: str, count: int = 1) -> list[dict[str, Any]]:
        return self.wait_for(self.api(path), count)

    def api_calls(self, path: str) -> list[dict[str, Any]]:
        return self.calls_to(self.api(path))

    def patches(self) -> list[tuple[str, dict[str, Any]]]:
        return [(c.path.split("/")[4], c.body) for c in self.calls if c.path.endswith("/patch")]

    def user_post(self, post_id: str, channel_id: str, message: str, *, user_id: str, root_id: str = "") -> None:
        """A post a person made (the fake did not create it through the API)."""
        self.posts[post_id] = {
            "id": post_id,
            "channel_id": channel_id,
            "message": message,
            "user_id": user_id,
            "root_id": root_id,
            "create_at": int(time.time() * 1000),
            "props": {},
        }

    def age_posts(self, seconds: int) -> None:
        """Make every post older, as if the card had been posted that long ago."""
        for post in self.posts.values():
            post["create_at"] -= seconds * 1000

    def _create_post(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        root_id = body.get("root_id") or ""
        if root_id:
            root = self.posts.get(root_id)
            if root is None or root.get("root_id"):  # app.CreatePost: the root must exist and not be a reply
                self.problems.append(f"post refused: root_id {root_id} is {'unknown' if root is None else 'a reply'}")
                return _error(400, "api.post.create_post.root_id.app_error")
        post_id = f"post{next(self._ids)}"
        self.posts[post_id] = {
            "id": post_id,
            "user_id": BOT_ID,
            "create_at": int(time.time() * 1000),
            "root_id": root_id,
            "message": body.get("message", ""),
            "props": body.get("props") or {},
            "channel_id": body.get("channel_id"),
            "file_ids": body.get("file_ids") or [],
        }
        return 201, self.posts[post_id]

    def _patch_post(self, post_id: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        post = self.posts.get(post_id)
        if post is None:
            return _error(403, "api.context.permissions.app_error")
        message = body.get("message")
        too_late = self.edit_limit is not None and time.time() * 1000 > post["create_at"] + self.edit_limit * 1000
        if too_late and message is not None and message != post["message"]:  # App.UpdatePost
            return _error(400, "api.post.update_post.permissions_time_limit.app_error")
        if message is not None:
            post["message"] = message
        if "props" in body:
            post["props"] = body["props"]
        return 200, post

    def _respond(self, method: str, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if path.startswith("/hooks/commands/"):
            return 200, {}
        route = path.removeprefix("/api/v4")
        parts = route.strip("/").split("/")
        if route == "/users/me":
            return 200, {"id": BOT_ID, "username": "relais"}
        if route == "/users/me/teams":
            return 200, [{"id": "team1", "name": "asso"}]  # type: ignore[return-value]  # a JSON array
        if route == "/users/me/teams/team1/channels":
            listed = [{"id": c, "type": t, "team_id": "" if t == "D" else "team1"} for c, t in self.channels.items()]
            return 200, listed  # type: ignore[return-value]
        if parts[0] == "channels" and len(parts) == 3 and parts[2] == "posts" and method == "GET":
            since = int(body.get("since", 0))
            found = {i: p for i, p in self.posts.items() if p.get("channel_id") == parts[1] and p["create_at"] > since}
            return 200, {"order": sorted(found, key=lambda i: -found[i]["create_at"]), "posts": found}
        if route.startswith("/users/"):
            return 200, {"id": parts[1], "username": parts[1].lower()}
        if route == "/posts":
            if body.get("channel_id") in self.outside:
                return _error(403, "api.context.permissions.app_error")
            return self._create_post(body)
        if parts[0] == "channels" and len(parts) == 4 and parts[2] == "members" and method == "GET":
            if parts[1] in self.outside:
                return _error(404, "app.channel.get_member.missing.app_error")
            return 200, {"channel_id": parts[1], "user_id": parts[3], "roles": "channel_user"}
        if route.endswith("/patch") and method == "PUT":
            return self._patch_post(parts[1], body)
        if parts[0] == "posts" and len(parts) == 2 and method == "GET":  # api4/post.go getPost
            post = self.posts.get(parts[1])
            if post is not None and post.get("channel_id") in self.outside:  # no permission to read the channel
                return _error(403, "api.context.permissions.app_error")
            return (200, post) if post else _error(404, "app.post.get.app_error")
        if route == "/channels/direct":
            return 201, {"id": "dm-" + "-".join(sorted(body["list"]))}
        if route == "/files":
            return 201, {"file_infos": [{"id": f"file{next(self._ids)}", "name": "upload"}]}
        if route == "/actions/dialogs/open":
            problems = dialog_problems(body)
            if problems:
                self.problems.extend(f"dialog refused: {p}" for p in problems)
                return _error(400, "interactive_message.open_dialog.invalid")
            return 200, {"status": "OK"}
        if route.startswith("/teams/name/"):
            return 200, {"id": "team1", "name": parts[2]}
        return self._integrations(method, parts, body)

    def _integrations(self, method: str, parts: list[str], body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Slash commands and outgoing webhooks: created, listed, updated (kept with their tokens)."""
        kind = "commands" if parts[0] == "commands" else "hooks" if parts[:2] == ["hooks", "outgoing"] else ""
        store = self.commands if kind == "commands" else self.outgoing_hooks
        ident = (
            parts[1]
            if kind == "commands" and len(parts) == 2
            else parts[2]
            if kind == "hooks" and len(parts) == 3
            else ""
        )
        if not kind:
            return _error(404, "api.context.404.app_error")
        if method == "POST" and not ident:
            new_id = f"{kind[:4]}{next(self._ids)}"
            token = f"cmdtoken{body['trigger']}" if kind == "commands" else "hooktoken"
            store[new_id] = {**body, "id": new_id, "token": token}
            return 201, store[new_id]
        if method == "GET" and not ident:
            return 200, list(store.values())  # type: ignore[return-value]  # a JSON array, as the server answers
        if method == "PUT" and ident in store:
            if body.get("id") != ident:
                return _error(400, "api.context.invalid_param.app_error")
            store[ident] = {**body, "token": store[ident]["token"]}
            return 200, store[ident]
        return _error(404, "api.context.404.app_error")
