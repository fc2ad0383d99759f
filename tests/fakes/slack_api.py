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


class FakeSlack(RecordingServer):
    def __init__(self) -> None:
        self._ts = itertools.count(1)
        super().__init__(self._respond)
        self.api_url = f"{self.base}/api/"
        self._responses = itertools.count(1)
        self.socket_url = ""  # where apps.connections.open sends Socket Mode clients

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
        if path.startswith(("/response/", "/upload/")):
            return 200, {"ok": True}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts)}"
            return 200, {"ok": True, "upload_url": f"{self.base}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = json.loads(body["files"]) if isinstance(body.get("files"), str) else body.get("files", [])
            return 200, {"ok": True, "files": [{"id": f["id"], "title": f.get("title", "")} for f in files]}
        if method == "auth.test":
            return 200, {"ok": True, "url": "https://asso.slack.com/", "team": "Asso", "user": "relais",
                         "team_id": "T1", "user_id": BOT_USER, "bot_id": "B1", "is_enterprise_install": False}
        if method in ("chat.postMessage", "chat.update"):
            ts = body.get("ts") or f"1700000000.{next(self._ts):06d}"
            return 200, {"ok": True, "channel": body["channel"], "ts": ts, "message": {"text": body.get("text", "")}}
        if method == "conversations.open":
            return 200, {"ok": True, "channel": {"id": "D" + body["users"]}}
        if method == "apps.connections.open":
            return 200, {"ok": True, "url": self.socket_url}
        if method == "views.open":
            return 200, {"ok": True, "view": {"id": "V1"}}
        return 200, {"ok": False, "error": "unknown_method"}
