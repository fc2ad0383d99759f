"""One way for a test to act as a user on either platform, so that a scenario
common to Slack and Mattermost is written once and runs on both. Each driver
sends what its platform sends and reads what its fake recorded."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx

from bot.bootstrap import Core
from tests.e2e.conftest import QUEUE, TEAM, SlackClient, blocks_text
from tests.fakes.mattermost_api import FakeMattermost

MM_TOKEN = "cmdtoken"


class SlackDriver:
    name = "slack"
    post_path = "/api/chat.postMessage"
    tries_per_call = 2  # the call and the retry handler's one retry

    def __init__(self, client: SlackClient) -> None:
        self.client, self.fake, self.core = client, client.fake, client.core
        self._replies_seen = 0

    def mention_of(self, user: str) -> str:
        return f"<@{user}>"

    def command(self, user: str, command: str, text: str = "") -> None:
        assert self.client.command(user, command, text).status_code == 200

    def click(self, user: str, action_id: str, value: str, where: str = QUEUE) -> None:
        assert self.client.click(user, action_id, value, "1700000000.000001", channel=where).status_code == 200

    def form(self, n: int = 1) -> dict[str, Any]:
        return self.fake.wait_api("views.open", n)[n - 1]["view"]

    def form_fields(self, form: dict[str, Any]) -> list[str]:
        return [b["block_id"] for b in form["blocks"]]

    def submit(self, user: str, form: dict[str, Any], values: dict[str, Any]) -> dict[str, str]:
        resp = self.client.submit(user, form, values)
        return resp.json().get("errors", {}) if resp.text else {}

    def posts(self, channel: str, n: int) -> list[str]:
        calls = self.fake.wait_until(lambda calls: len(self._in(calls, channel)) >= n)
        return self._in(calls, channel)

    def _in(self, calls: list, channel: str) -> list[str]:  # type: ignore[type-arg]
        return [
            blocks_text(c.body) for c in calls if c.path == "/api/chat.postMessage" and c.body.get("channel") == channel
        ]

    def dms(self, user: str, n: int) -> list[str]:
        return self.posts(f"D{user}", n)

    def updates(self, n: int) -> list[str]:
        return [blocks_text(c) for c in self.fake.wait_api("chat.update", n)]

    def update_count(self) -> int:
        return len(self.fake.api_calls("chat.update"))

    def replies(self, n: int) -> list[str]:
        calls = self.fake.wait_until(lambda calls: sum(c.path.startswith("/response/") for c in calls) >= n)
        return [blocks_text(c.body) for c in calls if c.path.startswith("/response/")]

    def uploaded_png(self) -> bytes:
        """The chart's bytes, sent to the upload URL and shared in the team channel."""
        complete = self.fake.wait_api("files.completeUploadExternal")[0]
        assert complete["channel_id"] == TEAM
        return [c.body["content"] for c in self.fake.calls if c.path.startswith("/upload/")][0]


@dataclass
class MattermostDriver:
    base: str
    fake: FakeMattermost
    core: Core
    action_replies: list[tuple[int, str]] = field(default_factory=list)  # (calls recorded before it, text)
    name: str = "mattermost"
    post_path: str = "/api/v4/posts"
    tries_per_call: int = 3  # the call and two retries with back-off

    def mention_of(self, user: str) -> str:
        return f"@{user.lower()}"

    def command(self, user: str, command: str, text: str = "", token: str = MM_TOKEN) -> httpx.Response:
        body = {
            "channel_id": "chgeneral",
            "channel_name": "town-square",
            "command": command,
            "text": text,
            "response_url": self.fake.response_url(),
            "team_domain": "asso",
            "team_id": "team1",
            "token": token,
            "trigger_id": f"trig-{user}",
            "user_id": user,
            "user_name": user.lower(),
        }
        resp = httpx.post(
            f"{self.base}/mattermost/command",
            content=urlencode(body),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            timeout=10,
        )
        if token == MM_TOKEN:
            assert resp.status_code == 200
        return resp

    def action_payload(self, user: str, action_id: str, value: str) -> dict[str, Any]:
        """The button as the post carried it: its context, signature included."""
        for call in reversed(self.fake.calls):
            for attachment in (call.body.get("props") or {}).get("attachments", []):
                for action in attachment.get("actions", []):
                    context = action["integration"]["context"]
                    if context["action_id"] == action_id and context["value"] == value:
                        return {
                            "user_id": user,
                            "user_name": user.lower(),
                            "channel_id": QUEUE,
                            "team_id": "team1",
                            "post_id": "post1",
                            "trigger_id": f"trig-{user}",
                            "type": "",
                            "context": context,
                        }
        raise AssertionError(f"no button {action_id} {value} was posted")

    def click(self, user: str, action_id: str, value: str, where: str = QUEUE) -> None:
        resp = httpx.post(
            f"{self.base}/mattermost/action", json=self.action_payload(user, action_id, value), timeout=10
        )
        assert resp.status_code == 200
        if resp.json().get("ephemeral_text"):
            self.action_replies.append((len(self.fake.calls), resp.json()["ephemeral_text"]))

    def form(self, n: int = 1) -> dict[str, Any]:
        return self.fake.wait_api("/actions/dialogs/open", n)[n - 1]

    def form_fields(self, form: dict[str, Any]) -> list[str]:
        return [e["name"] for e in form["dialog"]["elements"]]

    def submit(self, user: str, form: dict[str, Any], values: dict[str, Any]) -> dict[str, str]:
        d = form["dialog"]
        payload = {
            "type": "dialog_submission",
            "callback_id": d["callback_id"],
            "state": d["state"],
            "user_id": user,
            "channel_id": "chgeneral",
            "team_id": "team1",
            "submission": values,
            "cancelled": False,
        }
        resp = httpx.post(f"{self.base}/mattermost/dialog", json=payload, timeout=10)
        assert resp.status_code == 200
        return resp.json().get("errors", {})

    def posts(self, channel: str, n: int) -> list[str]:
        calls = self.fake.wait_until(lambda calls: len(self._in(calls, channel)) >= n)
        return self._in(calls, channel)

    def _in(self, calls: list, channel: str) -> list[str]:  # type: ignore[type-arg]
        return [
            json.dumps(c.body, ensure_ascii=False)
            for c in calls
            if c.path == "/api/v4/posts" and c.body.get("channel_id") == channel
        ]

    def dms(self, user: str, n: int) -> list[str]:
        return self.posts("-".join(["dm", *sorted(["botuserid", user])]), n)

    def updates(self, n: int) -> list[str]:
        self.fake.wait_until(lambda calls: sum(c.path.endswith("/patch") for c in calls) >= n)
        return [json.dumps(body, ensure_ascii=False) for _id, body in self.fake.patches()]

    def update_count(self) -> int:
        return len(self.fake.patches())

    def replies(self, n: int) -> list[str]:
        """Everything the person was told, in order: command answers came through the
        response_url, button answers in the call's response."""
        calls = self.fake.wait_until(
            lambda calls: sum(c.path.startswith("/hooks/commands/") for c in calls) + len(self.action_replies) >= n
        )
        hooks = [(i, c.body["text"]) for i, c in enumerate(calls) if c.path.startswith("/hooks/commands/")]
        return [text for _at, text in sorted(hooks + self.action_replies, key=lambda pair: pair[0])]


def _mm_uploaded_png(self: MattermostDriver) -> bytes:
    """The chart's bytes, sent to /files, then posted in the team channel with its file id."""
    upload = self.fake.wait_api("/files")[0]["content"]
    posts = self.fake.wait_until(lambda calls: any(c.body.get("file_ids") for c in calls if c.path == "/api/v4/posts"))
    post = [c.body for c in posts if c.path == "/api/v4/posts" and c.body.get("file_ids")][0]
    assert post["channel_id"] == TEAM
    return upload[upload.index(b"\x89PNG") :]


MattermostDriver.uploaded_png = _mm_uploaded_png  # type: ignore[attr-defined]

__all__ = ["MattermostDriver", "SlackDriver", "TEAM"]
