"""The HTTP side of `relais serve`: the platforms' endpoints (their adapters prove
where each request comes from) and a health check."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

from slack_bolt.async_app import AsyncApp
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.bootstrap import Core
from bot.limits import BoundedBody
from handlers.core import outbox, ticks
from handlers.watch import checks as watch_checks

log = logging.getLogger(__name__)


def health_of(
    core: Core, listening: Callable[[], dict[str, Any]] | None
) -> Callable[[Request], Coroutine[Any, Any, Response]]:
    """`/healthz`: up, with the database reachable; what the platform still owes: `due` now,
    `failing` (being retried) and `failed` (given up, the admins were told); stalled when
    no tick came for three periods (nothing is being delivered)."""
    started = core.deps.clock()

    async def healthz(_request: Request) -> Response:
        try:
            counts = await asyncio.to_thread(outbox.health, core.deps)
            last_tick = await asyncio.to_thread(ticks.last, core.deps)
            sources = await asyncio.to_thread(_watch_ages, core)
        except Exception:
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        now = core.deps.clock()
        age = (now - last_tick).total_seconds() if last_tick else None
        late = 3 * core.settings.tick_seconds
        stalled = age > late if age is not None else (now - started).total_seconds() > late
        body: dict[str, Any] = {"status": "stalled" if stalled else "ok", "database": "ok",
                                "platform": core.settings.platform, **counts,
                                "ticker_last_tick_age_seconds": round(age, 1) if age is not None else None}  # fmt: skip
        if sources:
            body["watch_last_read_age_seconds"] = sources
        if listening is not None:
            body["mattermost_events"] = listening()
        return JSONResponse(body, status_code=503 if stalled else 200)

    return healthz


def _watch_ages(core: Core) -> dict[str, float | None]:
    """Each watched source's last successful read, as an age (the watch's sources, none configured: empty)."""
    with core.deps.db() as session:
        return watch_checks.ages(session, core.deps.team, core.deps.clock())


def create_app(
    core: Core,
    *,
    slack: AsyncApp | None = None,
    extra: list[Route] | None = None,
    on_start: Callable[[], Callable[[], None]] | None = None,
    listen: Callable[[], Coroutine[Any, Any, None]] | None = None,
    listening: Callable[[], dict[str, Any]] | None = None,
) -> Starlette:
    """`on_start` runs when the server starts and returns what to run when it stops;
    `listen` runs alongside the server (Mattermost's WebSocket), `listening` reports on it."""
    routes = [Route("/healthz", health_of(core, listening), methods=["GET"]), *(extra or [])]
    if slack is not None:
        from bot.platforms.slack import events_route

        routes.append(events_route(core.settings, slack))

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        stop = on_start() if on_start else None
        task: asyncio.Task[None] | None = asyncio.get_running_loop().create_task(listen()) if listen else None
        yield
        if task:
            task.cancel()
        if stop:
            stop()

    return Starlette(routes=routes, lifespan=lifespan, middleware=[Middleware(BoundedBody)])
