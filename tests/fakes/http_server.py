"""A recording HTTP server on 127.0.0.1, the base of the platform fakes: it keeps
every call, can be told to fail the next calls to a path, and lets tests wait
for calls without sleeping."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


@dataclass
class Call:
    path: str
    body: dict[str, Any]
    headers: dict[str, str]
    method: str = "POST"
    failed: bool = False  # the fake answered with a failure: the platform did not take it


@dataclass
class Failure:
    status: int = 500
    body: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False  # answer nothing until released: the client times out
    html: str = ""  # a proxy's error page instead of the platform's JSON


Responder = Callable[[str, str, dict[str, Any]], tuple[int, dict[str, Any]]]


class Backlogged(ThreadingHTTPServer):
    """socketserver listens with a backlog of 5: a sixth connection at once has its SYN
    dropped and retried a second later, a stall no real platform's server shows. Closed, it
    also ends the connections kept alive, as a server that goes down does: a client must
    not go on talking to a platform that is down."""

    request_queue_size = 128
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        self.accepted = 0  # connections opened to it: a kept-alive client opens few
        super().__init__(address, handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.connections_lock:
            self.connections.add(request)
            self.accepted += 1
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def server_close(self) -> None:
        super().server_close()
        self.end_kept_alive()

    def end_kept_alive(self) -> None:
        """Close the open connections, as a server does with those idle too long."""
        with self.connections_lock:
            kept = list(self.connections)
        for connection in kept:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class RecordingServer:
    def __init__(self, respond: Responder, port: int = 0) -> None:
        """`port` 0 is any free one; a given one brings a platform back where it was down."""
        self.respond = respond
        self.calls: list[Call] = []
        self.problems: list[str] = []  # what the real platform would refuse or log: tests fail on any
        self.failures: dict[str, list[Failure]] = {}
        self.flaky: dict[str, tuple[Failure, int, int]] = {}  # path -> (failure, every, burst)
        self.counts: dict[str, int] = {}
        self.changed = threading.Condition()
        self.released = threading.Event()
        self.httpd = Backlogged(("127.0.0.1", port), self._handler())
        self.port = int(self.httpd.server_port)
        self.base = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.released.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def fail(self, path: str, failure: Failure, times: int = 1) -> None:
        self.failures.setdefault(path, []).extend([failure] * times)

    def fail_now_and_then(self, path: str, failure: Failure, every: int, burst: int = 2) -> None:
        """Fail `burst` calls in a row out of every `every`: more than a client's one quick retry absorbs."""
        self.flaky[path] = (failure, every, burst)

    def calls_to(self, path: str) -> list[dict[str, Any]]:
        return [c.body for c in self.calls if c.path == path]

    def wait_until(self, condition: Callable[[list[Call]], bool], timeout: float = 10) -> list[Call]:
        """Block until the recorded calls satisfy `condition` (woken by each call, never polling)."""
        with self.changed:
            ok = self.changed.wait_for(lambda: condition(self.calls), timeout=timeout)
            calls = list(self.calls)
        assert ok, f"the expected calls did not come; recorded: {[(c.path, c.body) for c in calls]}"
        return calls

    def wait_for(self, path: str, count: int = 1, timeout: float = 10) -> list[dict[str, Any]]:
        self.wait_until(lambda calls: sum(c.path == path for c in calls) >= count, timeout)
        return self.calls_to(path)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # kept-alive connections, as Slack's and Mattermost's servers
            disable_nagle_algorithm = True  # headers and body in two writes must not wait for a delayed ACK

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                upgrade = getattr(server, "upgrade", None)
                if self.headers.get("Upgrade", "").lower() == "websocket" and upgrade is not None:
                    upgrade(self)  # the fake's WebSocket takes the connection over
                    self.close_connection = True
                    return
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length) if length else b""
                path = urlparse(self.path).path
                content_type = self.headers.get("Content-Type") or ""
                if path.startswith("/upload/") or "multipart" in content_type:  # a file's bytes
                    body: dict[str, Any] = {"content": data}
                elif "json" in content_type:
                    loaded = json.loads(data or b"{}")
                    body = loaded if isinstance(loaded, dict) else {"list": loaded}
                else:
                    body = {k: v[0] for k, v in parse_qs(data.decode()).items()}
                    body.update({k: v[0] for k, v in parse_qs(urlparse(self.path).query).items()})
                with server.changed:
                    pending = server.failures.get(path)
                    failure = pending.pop(0) if pending else None
                    server.counts[path] = count = server.counts.get(path, 0) + 1
                    if failure is None and path in server.flaky:
                        flaky, every, burst = server.flaky[path]
                        failure = flaky if count % every < burst else None
                    server.calls.append(Call(path, body, dict(self.headers), self.command, failed=failure is not None))
                    server.changed.notify_all()
                if failure and failure.hang:
                    server.released.wait(timeout=30)
                    return
                status, payload = (
                    (failure.status, failure.body) if failure else server.respond(self.command, path, body)
                )
                html = bool(failure and failure.html)
                data = failure.html.encode() if failure and html else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html" if html else "application/json")
                self.send_header("Content-Length", str(len(data)))
                extra = {} if failure else getattr(server, "headers_for", lambda _path: {})(path)
                for name, value in (failure.headers if failure else extra).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PUT = do_POST

        return Handler


Answer = Callable[[str, str, dict[str, str], dict[str, str]], tuple[int, Any, dict[str, str]]]


@contextmanager
def json_api(answer: Answer) -> Iterator[str]:
    """A kept-alive JSON API on 127.0.0.1 answering `answer(method, path, params, headers)`
    with (status, body, headers); a POST's form fields join the query's. Yields its base address."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # kept-alive connections, as a real server
        disable_nagle_algorithm = True  # headers and body in two writes must not wait for a delayed ACK

        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            url = urlparse(self.path)
            params = {k: v[0] for k, v in parse_qs(url.query).items()}
            if self.command == "POST":
                length = int(self.headers.get("Content-Length") or 0)
                params.update({k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()})
            status, body, headers = answer(self.command, url.path, params, dict(self.headers))
            data = json.dumps(body).encode()
            self.send_response(status)
            for name, value in {"Content-Type": "application/json; charset=utf-8", **headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_POST = do_GET

    httpd = Backlogged(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        httpd.server_close()
