"""A fake Socket Mode WebSocket endpoint: hands envelopes to the connected app
and records the acks it sends back, as Slack's wss:// endpoint does."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

from aiohttp import WSMsgType, web


class FakeSocketMode:
    def __init__(self) -> None:
        self.acks: list[dict[str, Any]] = []
        self.changed = threading.Condition()
        self._socket: web.WebSocketResponse | None = None
        self.loop = asyncio.new_event_loop()
        started = threading.Event()
        threading.Thread(target=self._serve, args=(started,), daemon=True).start()
        assert started.wait(10)

    def _serve(self, started: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        app = web.Application()
        app.router.add_get("/link", self._link)
        self.runner = web.AppRunner(app)
        self.loop.run_until_complete(self.runner.setup())
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        self.loop.run_until_complete(site.start())
        self.url = f"ws://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/link"  # type: ignore[union-attr]
        started.set()
        self.loop.run_forever()

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str(json.dumps({"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A1"}}))
        with self.changed:
            self._socket = ws
            self.changed.notify_all()
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                with self.changed:
                    self.acks.append(json.loads(msg.data))
                    self.changed.notify_all()
        return ws

    def connected(self, timeout: float = 20) -> bool:
        """True once an app has opened the link (a process started apart takes its time)."""
        with self.changed:
            return self.changed.wait_for(lambda: self._socket is not None, timeout=timeout)

    def send(self, envelope: dict[str, Any]) -> dict[str, Any]:
        """Deliver an envelope once the app is connected; returns the app's ack."""
        with self.changed:
            assert self.changed.wait_for(lambda: self._socket is not None, timeout=10), "the app never connected"
        socket = self._socket
        assert socket is not None
        asyncio.run_coroutine_threadsafe(socket.send_str(json.dumps(envelope)), self.loop).result(10)
        with self.changed:
            assert self.changed.wait_for(
                lambda: any(a.get("envelope_id") == envelope["envelope_id"] for a in self.acks), timeout=10
            ), "no ack"
        return next(a for a in self.acks if a.get("envelope_id") == envelope["envelope_id"])

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
