"""How Relais hears Mattermost posts (`MATTERMOST_EVENTS=websocket`): one WebSocket
to the server's `/api/v4/websocket`, so mentions in private channels, replies in
Relais's threads and direct messages all reach it.

- It authenticates with the bot token (`authentication_challenge`); the server
  says `hello` with a `connection_id`, then numbers every event (`seq`).
- It answers a `posted` event when the post is a direct message (`channel_type`
  `D`), names the bot (`@relais`, never `@channel`/`@all`/`@here` alone), or
  replies in a thread Relais started; never its own posts nor a webhook's.
- After a drop it reconnects with `connection_id` and `sequence_number`: the
  server replays what it missed (up to 128 events, for a few minutes). When the
  server answers with a new `hello` instead, or an event's number skips some,
  what was missed is read through the REST API (posts since the last one seen,
  at most an hour back).
- Reconnects wait longer each time (0.5 s doubling to a minute, with jitter); a
  connection silent for 90 s (no event, no ping) is taken as dead and replaced.
- Every post goes through the inbox keyed by its post id, so a replayed event, a
  duplicate after a reconnect, the catch-up or a second instance answers once."""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from bot.intake import Intake
from bot.platforms.mattermost_api import MattermostAPI
from handlers.core.inbound import DirectMessage, Inbound, Mention
from handlers.core.ports import ChatError

log = logging.getLogger(__name__)
IDLE = 90.0  # seconds without a frame before the connection is taken as dead
CATCH_UP = 3600_000  # ms: the REST catch-up never looks further back than an hour
_MENTION = re.compile(r"@[\w.-]+")


class Events:
    def __init__(
        self,
        api: MattermostAPI,
        token: str,
        intake: Intake,
        *,
        idle: float = IDLE,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.api, self.token, self.intake = api, token, intake
        self.idle, self.clock, self.sleep = idle, clock, sleep
        self.connection_id = ""
        self.expected = 0  # the next event number the server should send
        self.last_post_ms = 0  # the newest post seen: where a catch-up starts
        self.last_event_at: float | None = None
        self.state = "starting"
        self.failures = 0
        self._threads: dict[str, bool] = {}  # root post id -> whether Relais started it

    def status(self) -> dict[str, Any]:
        """For /healthz: the connection's state and how long ago the last event came."""
        age = None if self.last_event_at is None else round(self.clock() - self.last_event_at, 1)
        return {"state": self.state, "last_event_age_seconds": age}

    def url(self) -> str:
        base = self.api.base.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
        resume = f"?connection_id={self.connection_id}&sequence_number={self.expected}" if self.connection_id else ""
        return f"{base}/api/v4/websocket{resume}"

    async def run(self) -> None:
        """Until cancelled: connect, listen, and after a drop connect again after a pause."""
        while True:
            try:
                await self._listen()
                self.failures = 0
            except (TimeoutError, aiohttp.ClientError, ConnectionError, ChatError) as exc:
                self.failures += 1
                log.warning("Mattermost WebSocket lost (%s); reconnecting", type(exc).__name__)
            self.state = "reconnecting"
            delay = min(60.0, 0.5 * 2 ** min(self.failures, 7))
            await self.sleep(delay * (0.5 + random.random() / 2))  # jitter: instances do not reconnect in step

    async def _listen(self) -> None:
        async with aiohttp.ClientSession() as session, session.ws_connect(self.url(), autoping=False) as ws:
            await ws.send_json({"seq": 1, "action": "authentication_challenge", "data": {"token": self.token}})
            while True:
                msg = await ws.receive(timeout=self.idle)  # silent for too long: TimeoutError, a new connection
                if msg.type == aiohttp.WSMsgType.PING:
                    self.last_event_at = self.clock()
                    await ws.pong(msg.data)
                elif msg.type == aiohttp.WSMsgType.TEXT:
                    await self.handle(json.loads(msg.data))
                elif msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                    return

    async def handle(self, msg: dict[str, Any]) -> None:
        if "seq_reply" in msg:
            if msg.get("status") != "OK":
                raise ChatError("the server refused the bot token on the WebSocket")
            self.state = "connected"
            return
        event, seq, data = msg.get("event"), msg.get("seq"), msg.get("data") or {}
        self.last_event_at = self.clock()
        if event == "hello":  # a new connection: a resumed one gets no hello
            fresh = str(data.get("connection_id", ""))
            lost = bool(self.connection_id) and fresh != self.connection_id
            self.connection_id, self.expected, self.state = fresh, int(seq or 0) + 1, "connected"
            if lost:
                await self.catch_up()
            return
        if isinstance(seq, int):
            if seq < self.expected:  # seen already (a replay overlapping what came)
                return
            skipped = seq > self.expected
            self.expected = seq + 1
            if skipped:
                await self.catch_up()
        if event == "posted" and isinstance(data.get("post"), str):
            await self.consider(json.loads(data["post"]), str(data.get("channel_type", "")))

    async def catch_up(self) -> None:
        """The posts of Relais's channels since the newest one seen (at most an hour back)."""
        since = max(self.last_post_ms, int(self.clock() * 1000) - CATCH_UP)
        log.info("Mattermost: catching up on the posts since %s through the API", since)
        channels = await asyncio.to_thread(self.api.my_channels)
        for channel in channels:
            posts = await asyncio.to_thread(self.api.posts_since, str(channel["id"]), since)
            for post in sorted(posts, key=lambda p: int(p.get("create_at", 0))):
                await self.consider(post, str(channel.get("type", "")))

    async def consider(self, post: dict[str, Any], channel_type: str) -> None:
        """Answer the post if it is for Relais; through the inbox, keyed by its id."""
        me = await asyncio.to_thread(self.api.me)
        props = post.get("props") or {}
        if post.get("user_id") == me["id"] or props.get("from_webhook") == "true" or post.get("type"):
            return  # its own posts, a webhook's, system messages (joins, header changes…)
        self.last_post_ms = max(self.last_post_ms, int(post.get("create_at", 0)))
        user, channel, text = (
            str(post.get("user_id", "")),
            str(post.get("channel_id", "")),
            str(post.get("message", "")),
        )
        root = str(post.get("root_id") or "")
        request: Inbound
        if channel_type == "D":
            request = DirectMessage(user, channel, {"channel": channel}, text=text)
        elif _names(text, str(me.get("username", ""))) or (root and await self._ours(root, me["id"])):
            request = Mention(user, channel, thread=root or str(post["id"]), text=_MENTION.sub("", text))
        else:
            return
        row = await self.intake.receive(f"mattermost-post:{post['id']}", request)
        self.intake.process(row, request)

    async def _ours(self, root: str, me: str) -> bool:
        """Whether Relais wrote the first post of this thread (asked once per thread)."""
        if root not in self._threads:
            try:
                post = await asyncio.to_thread(self.api.get_post, root)
            except ChatError:
                return False
            self._threads[root] = post.get("user_id") == me
        return self._threads[root]


def _names(text: str, username: str) -> bool:
    """The bot named by its own name: `@channel`, `@all` or `@here` alone never count."""
    return bool(username) and re.search(rf"(?<![\w.-])@{re.escape(username)}(?![\w-])", text, re.IGNORECASE) is not None
