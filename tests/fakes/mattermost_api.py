"""A fake Mattermost server speaking the REST API v4 (and the command response_url)."""

from __future__ import annotations

import itertools
from typing import Any

from tests.fakes.http_server import Failure, RecordingServer

BOT_ID = "botuserid"
SERVER_ERROR = Failure(status=500, body={"id": "app.internal", "message": "boom", "status_code": 500})
RATELIMITED = Failure(status=429, body={"id": "api.context.rate_limit", "status_code": 429}, headers={"Retry-After": "1"})


class FakeMattermost(RecordingServer):
    def __init__(self) -> None:
        self._ids = itertools.count(1)
        super().__init__(self._respond)
        self.url = self.base
        self._hooks = itertools.count(1)

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

    def _respond(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if path.startswith("/hooks/commands/"):
            return 200, {}
        route = path.removeprefix("/api/v4")
        if route == "/users/me":
            return 200, {"id": BOT_ID, "username": "relais"}
        if route.startswith("/users/"):
            user_id = route.split("/")[2]
            return 200, {"id": user_id, "username": user_id.lower()}
        if route == "/posts":
            return 201, {"id": f"post{next(self._ids)}", "channel_id": body.get("channel_id"), "message": body.get("message", "")}
        if route.endswith("/patch"):
            return 200, {"id": route.split("/")[2], **body}
        if route == "/channels/direct":
            return 201, {"id": "dm-" + "-".join(sorted(body["list"]))}
        if route == "/files":
            return 201, {"file_infos": [{"id": f"file{next(self._ids)}", "name": "upload"}]}
        if route == "/actions/dialogs/open":
            return 200, {"status": "OK"}
        if route.startswith("/teams/name/"):
            return 200, {"id": "team1", "name": route.split("/")[3]}
        if route == "/commands":
            return 201, {"id": f"cmd{next(self._ids)}", "token": f"cmdtoken{body['trigger']}", "trigger": body["trigger"]}
        if route == "/hooks/outgoing":
            return 201, {"id": "hook1", "token": "hooktoken"}
        return 404, {"id": "api.context.404.app_error", "status_code": 404}
