"""The fake Mattermost's `/api/v4/websocket`, speaking as the server does
(server/channels/app/platform/web_conn.go, web_hub.go):

- the client authenticates with an `authentication_challenge` (the bot token) and
  gets `{"status": "OK", "seq_reply": 1}`; a wrong token gets a FAIL and no event;
- a new connection gets `hello` with its `connection_id` as event 0; every event
  after it carries the next `seq`; `posted` carries the post and the mentions as
  JSON strings, as the server sends them;
- the server pings the client; a client that reconnects with `connection_id` and
  `sequence_number` while its connection is still known (`forget()` ends that, as
  the server's few minutes do) and no more than 128 events behind gets the events
  it missed, with their numbers, and no `hello`; otherwise a new connection, with
  a new `hello`;
- `drop()` cuts the connection as a network would.

The WebSocket frames are written here (RFC 6455), on the same port as the REST
fake, as the real server serves both."""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import socket
import struct
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlparse

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
DEAD_QUEUE = 128  # web_conn.go: deadQueueSize


@dataclass
class Connection:
    connection_id: str
    sequence: int = 0  # the next event's number
    sent: list[dict[str, Any]] = field(default_factory=list)  # the last DEAD_QUEUE events, for a resume
    handler: BaseHTTPRequestHandler | None = None  # None while the client is away
    lock: threading.Lock = field(default_factory=threading.Lock)


class MattermostSocket:
    def __init__(self, token: str, bot_id: str) -> None:
        self.token, self.bot_id = token, bot_id
        self.connections: dict[str, Connection] = {}
        self.changed = threading.Condition()
        self.connects: list[dict[str, str]] = []  # each connection attempt's query: what the client asked
        self.hellos = 0
        self._ids = itertools.count(1)

    # What a test does ---------------------------------------------------------------

    def wait_connected(self, count: int = 1, timeout: float = 10) -> None:
        """Until `count` authenticated connections were made in all."""
        with self.changed:
            ok = self.changed.wait_for(
                lambda: sum(c["authenticated"] == "yes" for c in self.connects) >= count, timeout
            )
        assert ok, f"the client did not connect {count} time(s): {self.connects}"

    def posted(self, post: dict[str, Any], *, channel_type: str, mentions: list[str] | None = None) -> None:
        """A `posted` event for every connection, as the hub broadcasts it; kept for a resume."""
        data = {"channel_type": channel_type, "post": json.dumps(post), "sender_name": f"@{post['user_id']}",
                "team_id": "team1", "channel_name": post["channel_id"], "channel_display_name": post["channel_id"]}  # fmt: skip
        if mentions is not None:
            data["mentions"] = json.dumps(mentions)
        event = {"event": "posted", "data": data, "broadcast": {"channel_id": post["channel_id"], "team_id": "",
                 "user_id": "", "omit_users": None}}  # fmt: skip
        for connection in list(self.connections.values()):
            self._send(connection, event)

    def drop(self) -> None:
        """Cut every connection: the server keeps each one's events for a resume."""
        for connection in self.connections.values():
            with connection.lock:
                handler, connection.handler = connection.handler, None
            if handler is not None:
                try:
                    handler.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def forget(self) -> None:
        """The server no longer knows the connections (their few minutes are over, or it restarted)."""
        self.drop()
        self.connections.clear()

    # The server's side ---------------------------------------------------------------

    def serve(self, handler: BaseHTTPRequestHandler) -> None:
        """One WebSocket, in the HTTP handler's thread, until the client or `drop()` ends it."""
        key = handler.headers.get("Sec-WebSocket-Key", "")
        accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        handler.send_response(101)
        handler.send_header("Upgrade", "websocket")
        handler.send_header("Connection", "Upgrade")
        handler.send_header("Sec-WebSocket-Accept", accept)
        handler.end_headers()
        handler.wfile.flush()
        query = {k: v[0] for k, v in parse_qs(urlparse(handler.path).query).items()}
        attempt = {**query, "authenticated": "no"}
        with self.changed:
            self.connects.append(attempt)
        challenge = _read_json(handler)
        if challenge is None:
            return
        ok = (
            challenge.get("action") == "authentication_challenge"
            and (challenge.get("data") or {}).get("token") == self.token
        )
        _write(handler, {"status": "OK" if ok else "FAIL", "seq_reply": challenge.get("seq", 0)})
        if not ok:
            return
        connection = self._attach(query, handler)
        with self.changed:
            attempt["authenticated"] = "yes"
            self.changed.notify_all()
        with connection.lock:
            _write_frame(handler, 0x9, b"")  # the server's ping; the client answers with a pong
        while (frame := _read_frame(handler)) is not None and frame[0] != 0x8:
            pass
        with connection.lock:
            if connection.handler is handler:
                connection.handler = None

    def _attach(self, query: dict[str, str], handler: BaseHTTPRequestHandler) -> Connection:
        """The connection resumed (what it missed sent again, no hello) or a new one (hello, event 0)."""
        known = self.connections.get(query.get("connection_id", ""))
        wanted = int(query["sequence_number"]) if query.get("sequence_number", "").isdigit() else -1
        oldest = known.sent[0]["seq"] if known and known.sent else (known.sequence if known else 0)
        if known is not None and oldest <= wanted <= known.sequence:
            with known.lock:
                known.handler = handler
                for event in known.sent:
                    if event["seq"] >= wanted:
                        _write(handler, event)
            return known
        connection = Connection(connection_id=f"conn{next(self._ids):022d}")
        hello = {"event": "hello", "data": {"connection_id": connection.connection_id, "server_version": "10.5.0"},
                 "broadcast": {"user_id": self.bot_id, "channel_id": "", "team_id": "", "omit_users": None}}  # fmt: skip
        with connection.lock:
            connection.handler = handler
            self.connections[connection.connection_id] = connection
            self.hellos += 1
            self._number(connection, hello, handler)
        return connection

    def _send(self, connection: Connection, event: dict[str, Any]) -> None:
        with connection.lock:
            self._number(connection, event, connection.handler)

    @staticmethod
    def _number(connection: Connection, event: dict[str, Any], handler: BaseHTTPRequestHandler | None) -> None:
        """The event gets the connection's next number, is kept for a resume and sent if it can be."""
        numbered = {**event, "seq": connection.sequence}
        connection.sequence += 1
        connection.sent = (connection.sent + [numbered])[-DEAD_QUEUE:]
        if handler is not None:
            try:
                _write(handler, numbered)
            except OSError:
                connection.handler = None


def _read_exact(handler: BaseHTTPRequestHandler, n: int) -> bytes | None:
    data = b""
    while len(data) < n:
        try:
            chunk = handler.rfile.read(n - len(data))
        except (OSError, ValueError):
            return None
        if not chunk:
            return None
        data += chunk
    return data


def _read_frame(handler: BaseHTTPRequestHandler) -> tuple[int, bytes] | None:
    head = _read_exact(handler, 2)
    if head is None:
        return None
    opcode, length = head[0] & 0x0F, head[1] & 0x7F
    if length in (126, 127):
        extra = _read_exact(handler, 2 if length == 126 else 8)
        if extra is None:
            return None
        length = struct.unpack(">H" if len(extra) == 2 else ">Q", extra)[0]
    mask = _read_exact(handler, 4) if head[1] & 0x80 else b"\0\0\0\0"
    payload = _read_exact(handler, length) if length else b""
    if mask is None or payload is None:
        return None
    return opcode, bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def _read_json(handler: BaseHTTPRequestHandler) -> dict[str, Any] | None:
    while (frame := _read_frame(handler)) is not None:
        if frame[0] == 0x1:
            loaded = json.loads(frame[1])
            return loaded if isinstance(loaded, dict) else {}
        if frame[0] == 0x8:
            return None
    return None


def _write_frame(handler: BaseHTTPRequestHandler, opcode: int, payload: bytes) -> None:
    n = len(payload)
    head = bytes([0x80 | opcode]) + (
        bytes([n])
        if n < 126
        else bytes([126]) + struct.pack(">H", n)
        if n < 65536
        else bytes([127]) + struct.pack(">Q", n)
    )
    handler.wfile.write(head + payload)
    handler.wfile.flush()


def _write(handler: BaseHTTPRequestHandler, event: dict[str, Any]) -> None:
    _write_frame(handler, 0x1, json.dumps(event).encode())
