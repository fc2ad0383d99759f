"""No request body is read past 1 MiB: Slack and Mattermost send far less, and an
unsigned 100 MB POST must not be read whole before its 401. A body that announces
a larger `Content-Length` is refused with 413 before a byte of it is read; a body
sent without a length is cut at the limit (its signature then fails)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

LIMIT = 1 << 20


class BoundedBody:
    def __init__(self, app: ASGIApp, limit: int = LIMIT) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.limit:
            await send({"type": "http.response.start", "status": 413,
                        "headers": [(b"content-type", b"text/plain"), (b"connection", b"close")]})  # fmt: skip
            await send({"type": "http.response.body", "body": b"request body too large"})
            return
        seen = 0

        async def bounded() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:  # sent without a length: what comes past the limit is dropped
                    keep = len(message["body"]) - (seen - self.limit)
                    return {"type": "http.request", "body": message["body"][: max(keep, 0)], "more_body": False}
            return message

        await self.app(scope, bounded, send)
