"""The HTTP side of `relais serve`: Slack's endpoint and a health check."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncApp
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.bootstrap import Core


def create_app(core: Core, *, slack: AsyncApp | None = None, on_start: Callable[[], Callable[[], None]] | None = None) -> Starlette:
    """`on_start` runs when the server starts and returns what to run when it stops."""

    def check_database() -> None:
        with core.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    async def healthz(_request: Request) -> Response:
        try:
            await asyncio.to_thread(check_database)
        except Exception:
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok", "platform": core.settings.platform})

    routes = [Route("/healthz", healthz, methods=["GET"])]
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
