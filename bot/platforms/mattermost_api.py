"""A small typed client for the Mattermost REST API v4 (the maintained Python
driver, mattermostdriver, has had no release since 2022). 429 and 5xx are
retried with back-off; every failure becomes a ChatError without the token."""

from __future__ import annotations

import logging
import random
import time
from typing import Any

import httpx

from handlers.ports import ChatError

log = logging.getLogger(__name__)
RETRIES = 2


class MattermostAPI:
    def __init__(self, base_url: str, token: str, *, timeout: float = 10) -> None:
        self.http = httpx.Client(base_url=base_url.rstrip("/") + "/api/v4", timeout=timeout,
                                 headers={"Authorization": f"Bearer {token}"})
        self._me: dict[str, Any] | None = None
        self._usernames: dict[str, str] = {}

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        for attempt in range(RETRIES + 1):
            try:
                resp = self.http.request(method, path, **kwargs)
            except httpx.HTTPError as exc:
                if attempt == RETRIES:
                    raise ChatError(f"{method} {path}: {type(exc).__name__}") from None
                self._pause(attempt, None)
                continue
            if resp.status_code == 429 or resp.status_code >= 500:
                if attempt == RETRIES:
                    raise ChatError(f"{method} {path}: HTTP {resp.status_code}")
                self._pause(attempt, resp.headers.get("Retry-After"))
                continue
            if resp.status_code >= 400:
                raise ChatError(f"{method} {path}: HTTP {resp.status_code} {resp.json().get('id', '') if resp.content else ''}")
            return resp.json() if resp.content else {}
        raise AssertionError("unreachable")

    @staticmethod
    def _pause(attempt: int, retry_after: str | None) -> None:
        delay = float(retry_after) if retry_after and retry_after.isdigit() else 0.2 * 2**attempt + random.random() * 0.1
        time.sleep(min(delay, 5))

    def me(self) -> dict[str, Any]:
        if self._me is None:
            self._me = self.call("GET", "/users/me")
        return self._me

    def username(self, user_id: str) -> str:
        """For mentions: markdown mentions people by username, not by id."""
        if user_id not in self._usernames:
            try:
                self._usernames[user_id] = self.call("GET", f"/users/{user_id}")["username"]
            except ChatError:
                return user_id
        return self._usernames[user_id]

    def remember(self, user_id: str, username: str) -> None:
        if user_id and username:
            self._usernames[user_id] = username

    def create_post(self, post: dict[str, Any]) -> dict[str, Any]:
        return self.call("POST", "/posts", json=post)

    def patch_post(self, post_id: str, patch: dict[str, Any]) -> dict[str, Any]:
        return self.call("PUT", f"/posts/{post_id}/patch", json=patch)

    def direct_channel(self, user_id: str) -> str:
        return self.call("POST", "/channels/direct", json=[self.me()["id"], user_id])["id"]

    def upload(self, channel_id: str, filename: str, content: bytes) -> str:
        infos = self.call("POST", "/files", data={"channel_id": channel_id}, files={"files": (filename, content)})
        return infos["file_infos"][0]["id"]

    def open_dialog(self, body: dict[str, Any]) -> None:
        self.call("POST", "/actions/dialogs/open", json=body)

    def team_id(self, name: str) -> str:
        return self.call("GET", f"/teams/name/{name}")["id"]

    def create_command(self, body: dict[str, Any]) -> dict[str, Any]:
        return self.call("POST", "/commands", json=body)

    def create_outgoing_hook(self, body: dict[str, Any]) -> dict[str, Any]:
        return self.call("POST", "/hooks/outgoing", json=body)
