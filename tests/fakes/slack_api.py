"""A fake Slack Web API (and response_url endpoint) speaking Slack's wire format."""

from __future__ import annotations

import itertools
import json
from typing import Any

from tests.fakes.http_server import Failure, RecordingServer

RATELIMITED = Failure(status=429, body={"ok": False, "error": "ratelimited"}, headers={"Retry-After": "1"})
SERVER_ERROR = Failure(status=500, body={"ok": False, "error": "internal_error"})
TIMEOUT = Failure(hang=True)
BOT_USER = "UBOT"


def block_problems(blocks: list[dict[str, Any]]) -> list[str]:
    """Block Kit's limits, which Slack enforces with `invalid_blocks`."""
    problems = [] if len(blocks) <= 50 else [f"{len(blocks)} blocks, over 50"]
    for block in blocks:
        kind = block.get("type")
        if kind == "section":
            if len((block.get("text") or {}).get("text", "")) > 3000:
                problems.append("section text over 3000 characters")
            fields = block.get("fields") or []
            if len(fields) > 10 or any(len(f.get("text", "")) > 2000 for f in fields):
                problems.append("section fields: over 10, or one over 2000 characters")
        elif kind == "context" and len(block.get("elements") or []) > 10:
            problems.append("context over 10 elements")
        elif kind == "actions":
            for element in block.get("elements") or []:
                if len(element.get("text", {}).get("text", "")) > 75 or len(element.get("value", "")) > 2000:
                    problems.append("button text over 75 or value over 2000 characters")
    return problems


def view_problems(view: dict[str, Any]) -> list[str]:
    problems = [
        f"modal {key} over 24 characters"
        for key in ("title", "submit", "close")
        if len((view.get(key) or {}).get("text", "")) > 24
    ]
    for block in view.get("blocks") or []:
        element = block.get("element") or {}
        if int(element.get("max_length") or 0) > 3000 or len(element.get("initial_value") or "") > 3000:
            problems.append(f"input {block.get('block_id')}: over 3000 characters")
    return problems


GRANTED = (
    "commands",
    "chat:write",
    "im:write",
    "files:write",
    "app_mentions:read",
    "channels:read",
    "groups:read",
    "im:history",
)  # manifest.yml's bot scopes


class FakeSlack(RecordingServer):
    def __init__(self, port: int = 0) -> None:
        self._ts = itertools.count(1)
        super().__init__(self._respond, port)
        self.refused_token = False  # auth.test answers invalid_auth, as for a revoked or mistyped token
        self.missing_channels: set[str] = set()  # conversations.info: channel_not_found
        self.missing_users: set[str] = set()  # users.info: user_not_found
        self.scopes = list(GRANTED)  # what the app was granted: auth.test's x-oauth-scopes header
        self.api_url = f"{self.base}/api/"
        self._responses = itertools.count(1)
        self.socket_url = ""  # where apps.connections.open sends Socket Mode clients
        self.outside: set[str] = set()  # channels the bot is not a member of: posting there fails

    def headers_for(self, path: str) -> dict[str, str]:
        """Slack says which scopes the token has in every Web API answer's headers."""
        return {"x-oauth-scopes": ",".join(self.scopes)} if path.startswith("/api/") else {}

    def response_url(self) -> str:
        return f"{self.base}/response/{next(self._responses)}"

    def api(self, method: str) -> str:
        return f"/api/{method}"

    def wait_api(self, method: str, count: int = 1) -> list[dict[str, Any]]:
        return self.wait_for(self.api(method), count)

    def api_calls(self, method: str) -> list[dict[str, Any]]:
        return self.calls_to(self.api(method))

    def responses(self) -> list[dict[str, Any]]:
        return [c.body for c in self.calls if c.path.startswith("/response/")]

    def _respond(self, _method: str, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        method = path.removeprefix("/api/")
        if path.startswith("/response/") and block_problems(body.get("blocks") or []):
            self.problems.extend(f"response_url: {p}" for p in block_problems(body["blocks"]))
            return 400, {"ok": False, "error": "invalid_blocks"}
        if path.startswith(("/response/", "/upload/")):
            return 200, {"ok": True}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts)}"
            return 200, {"ok": True, "upload_url": f"{self.base}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = json.loads(body["files"]) if isinstance(body.get("files"), str) else body.get("files", [])
            return 200, {"ok": True, "files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}
        if method == "auth.test":
            if self.refused_token:
                return 200, {"ok": False, "error": "invalid_auth"}
            return 200, {
                "ok": True,
                "url": "https://asso.slack.com/",
                "team": "Asso",
                "user": "relais",
                "team_id": "T1",
                "user_id": BOT_USER,
                "bot_id": "B1",
                "is_enterprise_install": False,
            }
        if method in ("chat.postMessage", "chat.update", "views.open"):
            blocks = body.get("blocks")
            parsed = json.loads(blocks) if isinstance(blocks, str) else blocks or []
            view = json.loads(body["view"]) if isinstance(body.get("view"), str) else body.get("view")
            problems = view_problems(view) if method == "views.open" and view else block_problems(parsed)
            if problems:
                self.problems.extend(f"{method}: {p}" for p in problems)
                return 200, {"ok": False, "error": "invalid_blocks" if method != "views.open" else "invalid_arguments"}
        if method == "views.publish":
            view = json.loads(body["view"]) if isinstance(body.get("view"), str) else body.get("view") or {}
            problems = block_problems(view.get("blocks") or [])
            if view.get("type") != "home" or not body.get("user_id"):
                problems.append("views.publish needs a user_id and a view of type home")
            if len(view.get("blocks") or []) > 100:
                problems.append("a home view holds at most 100 blocks")
            if problems:
                self.problems.extend(f"views.publish: {p}" for p in problems)
                return 200, {"ok": False, "error": "invalid_arguments"}
            return 200, {"ok": True, "view": {"id": "VH1", "type": "home"}}
        if method == "chat.postMessage" and body.get("channel") in self.outside:
            return 200, {"ok": False, "error": "not_in_channel"}
        if method == "conversations.info":
            channel = body.get("channel", "")
            if channel in self.missing_channels:
                return 200, {"ok": False, "error": "channel_not_found"}
            return 200, {
                "ok": True,
                "channel": {"id": channel, "name": channel.lower(), "is_member": channel not in self.outside},
            }
        if method == "users.info":
            user = body.get("user", "")
            if user in self.missing_users:
                return 200, {"ok": False, "error": "user_not_found"}
            return 200, {"ok": True, "user": {"id": user, "name": user.lower(), "deleted": False}}
        if method in ("chat.postMessage", "chat.update"):
            ts = body.get("ts") or f"1700000000.{next(self._ts):06d}"
            return 200, {"ok": True, "channel": body["channel"], "ts": ts, "message": {"text": body.get("text", "")}}
        if method == "chat.getPermalink":  # Slack's own address for a message
            if not body.get("channel") or not body.get("message_ts"):
                return 200, {"ok": False, "error": "invalid_arguments"}
            ts = str(body["message_ts"]).replace(".", "")
            return 200, {"ok": True, "channel": body["channel"],
                         "permalink": f"https://asso.slack.com/archives/{body['channel']}/p{ts}"}  # fmt: skip
        if method == "conversations.open":
            return 200, {"ok": True, "channel": {"id": "D" + body["users"]}}
        if method == "apps.connections.open":
            return 200, {"ok": True, "url": self.socket_url}
        if method == "views.open":
            return 200, {"ok": True, "view": {"id": "V1"}}
        return 200, {"ok": False, "error": "unknown_method"}
