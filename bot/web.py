"""The HTTP side of `relais serve`: Slack's endpoint and a health check."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.bootstrap import Core
from handlers.core import outbox

log = logging.getLogger(__name__)


def create_app(
    core: Core,
    *,
    slack: AsyncApp | None = None,
    extra: list[Route] | None = None,
    on_start: Callable[[], Callable[[], None]] | None = None,
) -> Starlette:
    """`on_start` runs when the server starts and returns what to run when it stops."""

    async def healthz(_request: Request) -> Response:
        """Up, with the database reachable; what the platform still owes: `due` now,
        `failing` (being retried) and `failed` (given up, the admins were told)."""
        try:
            counts = await asyncio.to_thread(outbox.health, core.deps)
        except Exception:
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok", "platform": core.settings.platform, **counts})

    routes = [Route("/healthz", healthz, methods=["GET"]), *(extra or [])]
    if slack is not None:
        handler = AsyncSlackRequestHandler(slack)

        verifier = SignatureVerifier(core.settings.slack_signing_secret)

        async def slack_events(request: Request) -> Response:
            # The signature is checked here, before Bolt: Bolt parses the body first and answers
            # 500 to an unsigned body that is not JSON, or to a timestamp that is not a number.
            body = await request.body()
            timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
            if not timestamp.isdigit() or not verifier.is_valid(
                body, timestamp, request.headers.get("X-Slack-Signature", "")
            ):
                return Response("invalid request", status_code=401)
            try:
                response = await handler.handle(request)
            except (ValueError, TypeError, AttributeError, KeyError, IndexError) as exc:
                response = Response(status_code=500, content=type(exc).__name__)
            if response.status_code >= 500:
                # Our listeners ack before any work, so a 5xx here means Bolt choked on the payload
                # itself (`"view": null`, a body that is not JSON): malformed, not a failure of ours.
                log.warning(
                    "Slack request refused as malformed (%s)", bytes(response.body[:80]).decode(errors="replace")
                )
                return Response("malformed request", status_code=400)
            return response

        routes.append(Route("/slack/events", slack_events, methods=["POST"]))

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        stop = on_start() if on_start else None
        yield
        if stop:
            stop()

    return Starlette(routes=routes, lifespan=lifespan)
