"""The HTTP side of `relais serve`: Slack's endpoint and a health check."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from sqlalchemy import func, select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.bootstrap import Core
from storage.models import Outbox


def create_app(core: Core, *, slack: AsyncApp | None = None, extra: list[Route] | None = None,
               on_start: Callable[[], Callable[[], None]] | None = None) -> Starlette:
    """`on_start` runs when the server starts and returns what to run when it stops."""

    def pending_deliveries() -> int:
        with core.deps.db() as s:
            return s.scalar(select(func.count()).select_from(Outbox).where(Outbox.delivered_at.is_(None))) or 0

    async def healthz(_request: Request) -> Response:
        """Up, with the database reachable; `pending` counts messages Slack has not accepted yet."""
        try:
            pending = await asyncio.to_thread(pending_deliveries)
        except Exception:
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok", "platform": core.settings.platform, "pending": pending})

    routes = [Route("/healthz", healthz, methods=["GET"]), *(extra or [])]
    if slack is not None:
        handler = AsyncSlackRequestHandler(slack)

        async def slack_events(request: Request) -> Response:
            # Bolt's verifier raises (HTTP 500) on a timestamp that is not a number: refuse it as unsigned.
            if not request.headers.get("X-Slack-Request-Timestamp", "").isdigit():
                return Response("invalid request", status_code=401)
            return await handler.handle(request)

        routes.append(Route("/slack/events", slack_events, methods=["POST"]))

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        stop = on_start() if on_start else None
        yield
        if stop:
            stop()

    return Starlette(routes=routes, lifespan=lifespan)
