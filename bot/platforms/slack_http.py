"""Slack's Web API and response_url calls over kept-alive connections.

slack_sdk's sync clients open every call with `urlopen`, which sends `Connection: close`:
a new TCP connection and, against slack.com, a new TLS handshake for each message.
Here each thread keeps one connection per host and sends the next call on it; the
calls, their retry handlers and their errors are slack_sdk's own. Only the opening is
replaced (the clients' one method that calls `urlopen`), and it fails the way `urlopen`
fails: an answer of 400 and up raises `HTTPError`, a failure before the answer
`URLError`, a connection lost while waiting for the answer `RemoteDisconnected`. So
slack_sdk's handlers retry exactly what they retried before. With a proxy (the
client's `proxy`, or `HTTPS_PROXY` in the environment) the clients open their calls
as they always did."""

from __future__ import annotations

import io
import os
import select
import socket
import threading
from http.client import HTTPConnection, HTTPMessage, HTTPSConnection
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit
from urllib.request import Request

from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient, WebhookResponse

_local = threading.local()  # this thread's connections, by (scheme, host and port)


def _forget_in_child() -> None:
    """A forked process must not write on its parent's sockets: it starts with none."""
    global _local
    _local = threading.local()


os.register_at_fork(after_in_child=_forget_in_child)


def _connection(scheme: str, netloc: str, timeout: float, context: Any) -> HTTPConnection:
    """This thread's connection to the host, new if it has none or if the server closed it
    while it was idle (its socket then reads as ready: the server's end of file)."""
    pool: dict[tuple[str, str], HTTPConnection] = _local.__dict__.setdefault("connections", {})
    conn = pool.get((scheme, netloc))
    if conn is None:
        opened = HTTPSConnection(netloc, context=context) if scheme == "https" else HTTPConnection(netloc)
        conn = pool[(scheme, netloc)] = opened
    elif conn.sock is not None and _readable(conn.sock):
        conn.close()  # the next request opens it again
    conn.timeout = timeout
    if conn.sock is not None:
        conn.sock.settimeout(timeout)
    return conn


def _readable(sock: socket.socket) -> bool:
    """Whether an idle connection has something to read: the server closed it (urllib3
    checks the same way). poll has no limit on descriptor numbers, select does."""
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        return bool(poller.poll(0))
    return bool(select.select([sock], [], [], 0)[0])


def send(req: Request, timeout: float, context: Any = None) -> tuple[int, HTTPMessage, bytes]:
    """The request sent on this thread's connection to its host: status, headers, body."""
    parts = urlsplit(req.full_url)
    conn = _connection(parts.scheme, parts.netloc, timeout, context)
    try:
        conn.request(req.get_method(), req.selector, body=req.data, headers=dict(req.header_items()))
    except OSError as exc:
        conn.close()
        raise URLError(exc) from None
    try:
        resp = conn.getresponse()
        body = resp.read()
    except BaseException:
        conn.close()
        raise
    if resp.will_close:
        conn.close()
    if not 200 <= resp.status < 300:
        raise HTTPError(req.full_url, resp.status, resp.reason, resp.headers, io.BytesIO(body))
    return resp.status, resp.headers, body


def _kept_alive(url: str, proxy: str | None) -> bool:
    return proxy is None and urlsplit(url).scheme in ("http", "https")


class KeptAliveWebClient(WebClient):
    """slack_sdk's WebClient, its calls sent on kept-alive connections."""

    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict[str, Any]:
        if not _kept_alive(url, self.proxy):
            return super()._perform_urllib_http_request_internal(url, req)
        status, headers, body = send(req, self.timeout, self.ssl)
        return {"status": status, "headers": headers, "body": body.decode(headers.get_content_charset() or "utf-8")}


class KeptAliveWebhookClient(WebhookClient):
    """slack_sdk's WebhookClient (a response_url), its calls sent on kept-alive connections."""

    def _perform_http_request_internal(self, url: str, req: Request) -> WebhookResponse:
        if not _kept_alive(url, self.proxy):
            opened: WebhookResponse = super()._perform_http_request_internal(url, req)
            return opened
        status, headers, body = send(req, self.timeout, self.ssl)
        text = body.decode(headers.get_content_charset() or "utf-8")
        return WebhookResponse(url=url, status_code=status, body=text, headers=headers)  # type: ignore[arg-type]
