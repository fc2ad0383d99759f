"""A small typed client for the Mattermost REST API v4 (the maintained Python
driver, mattermostdriver, has had no release since 2022). 429 and 5xx are
retried with back-off; every failure becomes a ChatError without the token."""

from __future__ import annotations

import logging
import random
import time
from typing import Any

import httpx

from handlers.core.ports import ChatError

log = logging.getLogger(__name__)
RETRIES = 2


EDIT_TIME_LIMIT = "api.post.update_post.permissions_time_limit.app_error"


class MattermostError(ChatError):
    """The server (or a proxy before it) refused a call; `error_id` is the server's own, if any."""

    def __init__(self, what: str, status: int, error_id: str = "") -> None:
        super().__init__(f"{what}: HTTP {status} {error_id}".rstrip())
        self.status, self.error_id = status, error_id


def _error_id(resp: httpx.Response) -> str:
    """The server's error id; a proxy's HTML page has none."""
    try:
        body = resp.json()
    except ValueError:
        return ""
    return str(body.get("id", "")) if isinstance(body, dict) else ""


class MattermostAPI:
    def __init__(self, base_url: str, token: str, *, timeout: float = 10) -> None:
        self.base = base_url.rstrip("/")
        self.http = httpx.Client(
            base_url=base_url.rstrip("/") + "/api/v4", timeout=timeout, headers={"Authorization": f"Bearer {token}"}
        )
        self._me: dict[str, Any] | None = None
        self._usernames: dict[str, str] = {}

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        what = f"{method} {path}"
        for attempt in range(RETRIES + 1):
            try:
                resp = self.http.request(method, path, **kwargs)
            except httpx.HTTPError as exc:
                if attempt == RETRIES:
                    raise ChatError(f"{what}: {type(exc).__name__}") from None
                self._pause(attempt, None)
                continue
            if resp.status_code == 429 or resp.status_code >= 500:
                if attempt == RETRIES:
                    raise MattermostError(what, resp.status_code, _error_id(resp))
                self._pause(attempt, resp.headers.get("Retry-After"))
                continue
            if resp.status_code >= 400:
                raise MattermostError(what, resp.status_code, _error_id(resp))
            if not resp.content:
                return {}
            try:
                return resp.json()
            except ValueError:  # a 2xx that is not the API's JSON: a proxy or a wrong MATTERMOST_URL
                raise MattermostError(what, resp.status_code, "not a JSON answer") from None
        raise AssertionError("unreachable")

    @staticmethod
    def _pause(attempt: int, retry_after: str | None) -> None:
        delay = (
            float(retry_after) if retry_after and retry_after.isdigit() else 0.2 * 2**attempt + random.random() * 0.1
        )
        time.sleep(min(delay, 5))

    def me(self) -> dict[str, Any]:
        if self._me is None:
            self._me = _obj(self.call("GET", "/users/me"))
        return self._me

    def username(self, user_id: str) -> str:
        """For mentions: markdown mentions people by username, not by id."""
        if user_id not in self._usernames:
            try:
                self._usernames[user_id] = str(self.call("GET", f"/users/{user_id}")["username"])
            except ChatError:
                return user_id
        return self._usernames[user_id]

    def remember(self, user_id: str, username: str) -> None:
        if user_id and username:
            self._usernames[user_id] = username

    def create_post(self, post: dict[str, Any]) -> dict[str, Any]:
        return _obj(self.call("POST", "/posts", json=post))

    def patch_post(self, post_id: str, patch: dict[str, Any]) -> dict[str, Any]:
        return _obj(self.call("PUT", f"/posts/{post_id}/patch", json=patch))

    def get_post(self, post_id: str) -> dict[str, Any]:
        return _obj(self.call("GET", f"/posts/{post_id}"))

    def direct_channel(self, user_id: str) -> str:
        return str(self.call("POST", "/channels/direct", json=[self.me()["id"], user_id])["id"])

    def upload(self, channel_id: str, filename: str, content: bytes) -> str:
        infos = self.call("POST", "/files", data={"channel_id": channel_id}, files={"files": (filename, content)})
        return str(infos["file_infos"][0]["id"])

    def my_channels(self) -> list[dict[str, Any]]:
        """Every channel the bot is in, on every team (direct messages come with each team: once here)."""
        found: dict[str, dict[str, Any]] = {}
        for team in _list(self.call("GET", "/users/me/teams")):
            for channel in _list(self.call("GET", f"/users/me/teams/{team['id']}/channels")):
                found.setdefault(str(channel["id"]), channel)
        return list(found.values())

    def posts_since(self, channel_id: str, since_ms: int) -> list[dict[str, Any]]:
        """A channel's posts created or changed since this time (a PostList's `posts`)."""
        answer = _obj(self.call("GET", f"/channels/{channel_id}/posts", params={"since": since_ms}))
        posts = answer.get("posts") or {}
        return [p for p in posts.values() if isinstance(p, dict)] if isinstance(posts, dict) else []

    def open_dialog(self, body: dict[str, Any]) -> None:
        self.call("POST", "/actions/dialogs/open", json=body)

    def team_id(self, name: str) -> str:
        return str(self.call("GET", f"/teams/name/{name}")["id"])

    def commands(self, team_id: str) -> list[dict[str, Any]]:
        return _list(self.call("GET", "/commands", params={"team_id": team_id, "custom_only": "true"}))

    def create_command(self, body: dict[str, Any]) -> dict[str, Any]:
        return _obj(self.call("POST", "/commands", json=body))

    def update_command(self, body: dict[str, Any]) -> dict[str, Any]:
        return _obj(self.call("PUT", f"/commands/{body['id']}", json=body))

    def outgoing_hooks(self, team_id: str) -> list[dict[str, Any]]:
        return _list(self.call("GET", "/hooks/outgoing", params={"team_id": team_id, "per_page": 200}))

    def create_outgoing_hook(self, body: dict[str, Any]) -> dict[str, Any]:
        return _obj(self.call("POST", "/hooks/outgoing", json=body))

    def update_outgoing_hook(self, body: dict[str, Any]) -> dict[str, Any]:
        return _obj(self.call("PUT", f"/hooks/outgoing/{body['id']}", json=body))


def _obj(answer: Any) -> dict[str, Any]:
    """The API's answer is a JSON object here; anything else is not the API speaking."""
    if not isinstance(answer, dict):
        raise MattermostError("answer", 200, "not a JSON object")
    return answer


def _list(answer: Any) -> list[dict[str, Any]]:
    if not isinstance(answer, list) or not all(isinstance(item, dict) for item in answer):
        raise MattermostError("answer", 200, "not a JSON list of objects")
    return answer
