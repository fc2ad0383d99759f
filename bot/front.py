"""`relais serve` on Slack: the HTTP process only proves where a request comes from,
stores it in the inbox and acknowledges it. It loads Bolt, Starlette, uvicorn and
SQLAlchemy Core, and nothing of the features but their names: no ORM model, no
sender, no schedule, no network library (tests/test_cli.py lists what it holds).

It forks the rest at once, before importing anything heavy: the *back* process reads
and checks every setting, applies the migrations and tells the front what it needs
(`Facts`); then it runs the setup checks, starts the second worker and is the first
itself (bot/worker.py). A mistake (a setting, the port, the database) is said by the
back in one line, and `relais serve` exits with its code. Forms are checked by a
worker (bot/handover.py's urgent lane) within the seconds the platform waits."""

from __future__ import annotations

import asyncio
import itertools
import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from bot.handover import Ask, Handover
from bot.intake import Declared
from handlers.core.inbound import Submission

if TYPE_CHECKING:
    from bot.bootstrap import Core
    from bot.config import Settings

log = logging.getLogger("relais")
VERDICT_WAIT = 2.0  # seconds a form's check may take: Slack closes the form's submission after 3


@dataclass(frozen=True)
class Facts:
    """What the back tells the front once the database is ready: the few settings it uses,
    what the adapters listen for, and the watch's configured sources (for /healthz)."""

    port: int
    database_url: str
    slack_bot_token: str
    slack_api_url: str
    slack_signing_secret: str
    tick_seconds: int
    secrets: tuple[str, ...]
    json_logs: bool
    declared: Declared
    sources: tuple[tuple[str, str], ...]


@dataclass
class Handoff:
    """Set in the back process: where to say the facts, and the queues to the workers."""

    facts: Connection
    handover: Handover
    front: int  # the front's pid: the back ends when it ends


HANDOFF: Handoff | None = None


def wanted(argv: list[str]) -> bool:
    """`relais serve` on Slack over HTTP, read cheaply (the back checks every setting)."""
    if argv[:1] != ["serve"] or {"-h", "--help"} & set(argv):
        return False
    from dotenv import dotenv_values

    env = {**dotenv_values(os.path.join(os.getcwd(), ".env")), **os.environ}
    return (env.get("RELAIS_PLATFORM") or "").strip().lower() == "slack" and not (env.get("SLACK_APP_TOKEN") or "")


def serve(argv: list[str], whole: Callable[[list[str]], int]) -> int:
    """The front: fork the back (`whole`: the command line of all of Relais, bot/cli.py),
    wait for its facts, then serve until SIGTERM or Ctrl-C."""
    forking = multiprocessing.get_context("fork")
    handover = Handover(forking)
    said, facts_pipe = forking.Pipe(duplex=False)
    back = forking.Process(target=_back, args=(argv, whole, handover, facts_pipe, os.getpid()), name="relais-back")
    back.start()
    facts_pipe.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the back too: it says so and ends
    signal.signal(signal.SIGTERM, lambda _signum, _frame: back.terminate())
    _load()  # while the back starts, on the other core
    try:
        facts: Facts = said.recv()
    except EOFError:  # the back ended: a mistake it said, or a run that was not ours to serve
        back.join()
        return back.exitcode or 0
    _serve(facts, handover, back)
    return 0


def _load() -> None:
    """What the front serves with, imported while it waits for the back's facts."""
    import uvicorn  # noqa: F401

    import bot.platforms.slack
    import bot.web  # noqa: F401
    import storage.engine  # noqa: F401


def _back(
    argv: list[str], whole: Callable[[list[str]], int], handover: Handover, facts: Connection, front: int
) -> None:
    """The whole of `relais`, which, at `serve`, runs `back` below."""
    import sys

    global HANDOFF
    HANDOFF = Handoff(facts, handover, front)
    sys.exit(whole(argv))


def back(settings: Settings, port: int, handoff: Handoff) -> None:
    """Migrate, tell the front, then be the first worker (bot/cli_commands.py calls it for `serve`)."""
    from bot import doctor, worker
    from bot.bootstrap import platform_core, wall_clock
    from bot.port import ensure_free
    from handlers.watch.checks import configured

    ensure_free(port)
    core = platform_core(settings, clock=wall_clock)  # applies the migrations
    facts = Facts(port, settings.database_url, settings.slack_bot_token, settings.slack_api_url,
                  settings.slack_signing_secret, settings.tick_seconds, tuple(settings.secrets()),
                  settings.log_format == "json", declared(core), configured(core.deps.team))  # fmt: skip
    core.engine.dispose()  # no database connection crosses the fork
    handoff.facts.send(facts)
    handoff.facts.close()
    forking = multiprocessing.get_context("fork")
    others = [
        forking.Process(target=worker.main, args=(settings, handoff.handover, os.getpid(), False),
                        name=f"relais-worker-{n}", daemon=True)
        for n in range(1, worker.workers())
    ]  # fmt: skip
    for process in others:
        process.start()
    threading.Thread(target=doctor.log_checks, args=(settings,), daemon=True).start()
    worker.main(settings, handoff.handover, handoff.front, True)
    for process in others:
        process.terminate()
    for process in others:
        process.join(timeout=4)


def declared(core: Core) -> Declared:
    """What the adapters listen for, read from the features' declarations."""
    features = core.deps.features
    return Declared(tuple(features.slash_commands), tuple(features.buttons), tuple(features.shortcuts))


def _serve(facts: Facts, handover: Handover, back: Any) -> None:
    import uvicorn

    from bot import logs

    logs.setup(list(facts.secrets), logging.INFO, tracebacks=True, json_lines=facts.json_logs, libraries=True)
    engine, app = _app(facts, handover)
    log.info("Relais listening on port %s (slack)", facts.port)
    # SIGTERM: uvicorn stops taking requests and finishes those in flight (acks included), then
    # the workers finish the rows in hand; the rows nobody took are freed for the next start.
    # uvicorn raises the signal again once it has stopped; this handler (restored by it) lets us go on.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: None)
    signal.signal(signal.SIGINT, lambda _signum, _frame: None)  # Ctrl-C: the same clean stop
    uvicorn.run(app, host="0.0.0.0", port=facts.port, log_level="warning", timeout_graceful_shutdown=4)
    back.terminate()
    back.join(timeout=8)
    from handlers.core import rows

    with engine.begin() as conn:
        rows.release(conn)
    log.info("Relais stopped")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _app(facts: Facts, handover: Handover) -> tuple[Any, Any]:
    """The Starlette app: Slack's endpoint and /healthz, on the inbox's few statements."""
    from bot.intake import Intake
    from bot.platforms.slack import build_app
    from bot.web import Health, create_app
    from handlers.core import rows
    from handlers.core.inbound import Inbound
    from storage.engine import make_engine

    engine = make_engine(facts.database_url)

    def store(requests: list[tuple[str, Inbound]]) -> list[int | None]:
        with engine.begin() as conn:
            return rows.store(conn, requests, _now())

    intake = Intake(store, handover.put, Verdicts(handover).ask, facts.declared)
    health = Health(engine, _now, "slack", facts.tick_seconds, facts.sources)
    return engine, create_app(health, slack=(facts, build_app(facts, intake)))


class Verdicts:
    """A form's check, asked of a worker: its errors come back on the verdicts queue."""

    def __init__(self, handover: Handover) -> None:
        self.handover = handover
        self.numbers = itertools.count(1)
        self.waiting: dict[int, tuple[asyncio.AbstractEventLoop, asyncio.Future[dict[str, str]]]] = {}
        threading.Thread(target=self._read, name="relais-verdicts", daemon=True).start()

    async def ask(self, form: Submission) -> dict[str, str]:
        """The form's errors; none if no worker answered in time (its own check then runs
        from the inbox, and says what is wrong by message)."""
        number, loop = next(self.numbers), asyncio.get_running_loop()
        future: asyncio.Future[dict[str, str]] = loop.create_future()
        self.waiting[number] = (loop, future)
        self.handover.urgent.put(Ask(number, form))
        try:
            return await asyncio.wait_for(future, VERDICT_WAIT)
        except TimeoutError:
            log.warning("no worker checked form %s in time; it is stored and checked from the inbox", form.form_id)
            return {}
        finally:
            self.waiting.pop(number, None)

    def _read(self) -> None:
        while True:
            number, errors = self.handover.verdicts.get()
            waiting = self.waiting.get(number)
            if waiting is not None:
                loop, future = waiting
                loop.call_soon_threadsafe(_settle, future, errors)


def _settle(future: asyncio.Future[dict[str, str]], errors: dict[str, str]) -> None:
    if not future.done():
        future.set_result(errors)
