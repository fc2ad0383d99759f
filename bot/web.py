"""The HTTP side of `relais serve`: the platforms' endpoints (their adapters prove
where each request comes from) and a health check. It reads the database in
SQLAlchemy Core only, so that the HTTP process of `relais serve` (bot/front.py)
answers /healthz without the ORM or any feature."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import AbstractContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from slack_bolt.async_app import AsyncApp
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.limits import BoundedBody
from handlers.core import rows
from handlers.watch import ages

log = logging.getLogger(__name__)


class Database(Protocol):
    """A SQLAlchemy engine, as /healthz uses it (this module names no database library)."""

    def connect(self) -> AbstractContextManager[Any]: ...


@dataclass
class Health:
    """What `/healthz` reads and how it judges: the database, the clock, the platform's
    name, the ticker's period and the watch's configured sources (stored name, label),
    which the lean `relais serve` learns from its back once it listens (bot/front.py)."""

    engine: Database
    clock: Callable[[], datetime]
    platform: str
    tick_seconds: int
    sources: tuple[tuple[str, str], ...] = ()
    listening: Callable[[], dict[str, Any]] | None = None  # Mattermost's WebSocket, when it is used

    def read(self) -> tuple[dict[str, int], datetime | None, dict[str, float | None]]:
        """What the platform still owes; when the ticker last ran; each watched source's age."""
        now = self.clock()
        with self.engine.connect() as conn:
            return rows.outbox_health(conn, now), rows.ticker_last(conn), ages.ages(conn, self.sources, now)


def health_of(health: Health) -> Callable[[Request], Coroutine[Any, Any, Response]]:
    """`/healthz`: up, with the database reachable; what the platform still owes: `due` now,
    `failing` (being retried) and `failed` (given up, the admins were told); stalled when
    no tick came for three periods (nothing is being delivered)."""
    started = health.clock()

    async def healthz(_request: Request) -> Response:
        try:
            counts, last_tick, watch = await asyncio.to_thread(health.read)
        except Exception:
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        now = health.clock()
        age = (now - last_tick).total_seconds() if last_tick else None
        late = 3 * health.tick_seconds
        stalled = age > late if age is not None else (now - started).total_seconds() > late
        body: dict[str, Any] = {"status": "stalled" if stalled else "ok", "database": "ok",
                                "platform": health.platform, **counts,
                                "ticker_last_tick_age_seconds": round(age, 1) if age is not None else None}  # fmt: skip
        if watch:
            body["watch_last_read_age_seconds"] = watch
        if health.listening is not None:
            body["mattermost_events"] = health.listening()
        return JSONResponse(body, status_code=503 if stalled else 200)

    return healthz


def create_app(
    health: Health,
    *,
    slack: tuple[Any, AsyncApp] | None = None,
    extra: list[Route] | None = None,
    on_start: Callable[[], Callable[[], None]] | None = None,
    listen: Callable[[], Coroutine[Any, Any, None]] | None = None,
) -> Starlette:
    """`slack`: the settings' keys and the Bolt app; `on_start` runs when the server starts
    and returns what to run when it stops; `listen` runs alongside the server (Mattermost's
    WebSocket)."""
    routes = [Route("/healthz", health_of(health), methods=["GET"]), *(extra or [])]
    if slack is not None:
        from bot.platforms.slack import events_route

        routes.append(events_route(*slack))

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
