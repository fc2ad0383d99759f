"""No request body is read past 1 MiB, on any endpoint: a body announcing more is
refused with 413 before it is read, a body without a length is cut at the limit;
the HTTP process's peak memory does not move."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.e2e.conftest import mattermost_settings, running
from tests.e2e.processes import Serve, own_database

HUGE = 100 * 1024 * 1024


def raw(base: str, path: str, head: str, body: bytes = b"") -> str:
    """A hand-written request (so nothing is sent that the test did not mean); the status line."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: {host}\r\n{head}\r\n".encode())
        try:
            sock.sendall(body)
        except OSError:  # the server answered and closed before reading it: what it should do
            pass
        return sock.recv(200).decode(errors="replace").split("\r\n")[0]


def chunked(size: int) -> bytes:
    piece = b"x" * 65536
    return b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for _ in range(size // len(piece))) + b"0\r\n\r\n"


def peak_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM")))


def test_slack_refuses_an_oversized_body_before_reading_it(tmp_path, database_url, fake_slack):
    with own_database(database_url, tmp_path) as url:
        server = Serve(url, fake_slack.api_url, tmp_path / "serve.log")
        try:
            before = peak_kib(server.process.pid)
            for _ in range(3):
                status = raw(
                    server.base, "/slack/events", f"Content-Type: application/json\r\nContent-Length: {HUGE}\r\n"
                )
                assert status == "HTTP/1.1 413 Request Entity Too Large", status
            cut = raw(server.base, "/slack/events", "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n",
                      chunked(8 * 1024 * 1024))  # fmt: skip
            assert cut.startswith("HTTP/1.1 4"), cut  # cut at 1 MiB: unsigned, refused
            grown = peak_kib(server.process.pid) - before
            print(f"HTTP process peak: {before // 1024} MiB before, +{grown / 1024:.1f} MiB after 300 MB announced")
            assert grown < 20 * 1024
        finally:
            server.stop()


@pytest.mark.parametrize("path", ["/mattermost/command", "/mattermost/action", "/mattermost/dialog",
                                  "/mattermost/mention", "/healthz"])  # fmt: skip
def test_every_mattermost_endpoint_refuses_an_oversized_body(path, clean_engine, database_url, fake_mattermost):
    with running(mattermost_settings(database_url, fake_mattermost, mattermost_events="webhook")) as (base, _core):
        status = raw(base, path, f"Content-Type: application/json\r\nContent-Length: {2 * 1024 * 1024}\r\n")
        assert status == "HTTP/1.1 413 Request Entity Too Large", status
