"""`relais serve` on Slack: the HTTP process only proves where a request comes from,
stores it in the inbox and acknowledges it. It loads Bolt, Starlette, uvicorn and
SQLAlchemy Core, and nothing of the features: no ORM model, no sender, no schedule,
no network library (tests/test_cli.py lists what it holds).

It takes its port, then forks the rest at once, before importing anything heavy: the
*back* process reads and checks every setting, applies the migrations and tells the
front what it needs (`Facts`); then it runs the setup checks, starts the second worker
and is the first itself (bot/worker.py). A mistake (a setting, the port, the database)
is said by the back in one line, and `relais serve` exits with its code.

On a database already up to date, the front does not wait for the back: it reads its
few settings itself (bot/front_settings.py) and takes requests at once; they wait in
the inbox and the handover's queue until the workers run. Should the back then find a
mistake, the front stops and the rows stay for the next start. On a database behind
(new, or a new version of Relais), it waits only for the migrations, which the back
applies before it loads the rest (`migrate_first`). Forms are checked by a
worker (bot/handover.py's urgent lane) within the seconds the platform waits."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from bot import front_settings
from bot.front_settings import Facts
from bot.handover import Handover

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.web import Health

log = logging.getLogger("relais")


@dataclass
class Handoff:
    """Set in the back process: where to say the facts, and the queues to the workers."""

    facts: Connection
    handover: Handover
    front: int  # the front's pid: the back ends when it ends
    held: bool  # the front holds the port: the back does not check it


HANDOFF: Handoff | None = None
MIGRATED = "migrated"  # the back's first word when it applied the migrations before loading Relais


def wanted(argv: list[str]) -> bool:
    """`relais serve` on Slack over HTTP, read cheaply (the back checks every setting)."""
    if argv[:1] != ["serve"] or {"-h", "--help"} & set(argv):
        return False
    env = front_settings.environment()
    return env.get("RELAIS_PLATFORM", "").strip().lower() == "slack" and not env.get("SLACK_APP_TOKEN", "").strip()


def serve(argv: list[str], whole: Callable[[list[str]], int]) -> int:
    """The front: take the port, fork the back (`whole`: the command line of all of
    Relais, bot/cli.py), then serve until SIGTERM or Ctrl-C: at once on a database up to
    date, else once the back has migrated it and said its facts."""
    quick = front_settings.read(argv)
    held = _bind(quick.port) if quick else None  # else the back checks the port and says why
    forking = multiprocessing.get_context("fork")
    handover = Handover(forking)
    said, facts_pipe = forking.Pipe(duplex=False)
    back = forking.Process(target=_back, args=(argv, whole, handover, facts_pipe, os.getpid(), held, quick),
                           name="relais-back")  # fmt: skip
    back.start()
    facts_pipe.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the back too: it says so and ends
    outcome = Outcome()
    signal.signal(signal.SIGTERM, lambda _signum, _frame: outcome.stop(back))
    _load()  # while the back starts, on the other core
    quick = front_settings.with_database(quick) if quick is not None else None
    if quick is not None and held is not None and _up_to_date(quick.database_url):
        return _serve(quick, held, handover, back, said, outcome)
    try:
        first: Facts | str = said.recv()
        if first == MIGRATED and quick is not None and held is not None:
            return _serve(quick, held, handover, back, said, outcome)
        facts = _facts(said, first)
    except EOFError:  # the back ended: a mistake it said, a run that was not ours to serve, or a stop
        back.join()
        return 0 if outcome.stopping else back.exitcode or 0
    return _serve(facts, held or _bind(facts.port), handover, back, None, outcome)


def _bind(port: int) -> socket.socket | None:
    """The port, bound as uvicorn binds it (all addresses, address reuse on) and listening
    at once: two sockets may both bind a port with address reuse until one listens, so a
    second `relais serve` started at the same moment learns here that it is taken (None)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("0.0.0.0", port))
        sock.listen(2048)  # uvicorn's backlog; requests wait there until it serves
    except OSError:
        sock.close()
        return None
    return sock


def _up_to_date(url: str) -> bool:
    """The database holds every migration: the front may store at once. Any doubt (a new
    SQLite file, a server that does not answer) is the back's to settle and to say."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from storage.engine import make_engine
    from storage.versions import shipped_folders, up_to_date

    where = make_url(url)
    if where.get_backend_name() == "sqlite" and not os.path.exists(where.database or ""):
        return False  # not even created here: the back creates and migrates it
    engine = make_engine(url)
    try:
        return up_to_date(engine, shipped_folders())
    except (SQLAlchemyError, OSError):
        return False
    finally:
        engine.dispose()


def _load() -> None:
    """What the front serves with, imported while it waits for the back's facts."""
    import uvicorn  # noqa: F401

    import bot.platforms.slack
    import bot.web  # noqa: F401
    import storage.engine  # noqa: F401


def _back(
    argv: list[str],
    whole: Callable[[list[str]], int],
    handover: Handover,
    facts: Connection,
    front: int,
    held: socket.socket | None,
    quick: Facts | None,
) -> None:
    """The whole of `relais`, which, at `serve`, runs `back` below; first, when the front
    may serve on its own facts, the migrations its database lacks (`migrate_first`)."""
    import sys

    global HANDOFF
    if held is not None:
        held.close()  # the front's: kept open here, the port would outlive the front
    HANDOFF = Handoff(facts, handover, front, held is not None)
    try:
        if held is not None:
            migrate_first(quick, facts)
        code = whole(argv)
    except KeyboardInterrupt:  # Ctrl-C before bot/cli.py could say it: said here the same way
        front_settings.say_stopped()
        code = 1
    sys.exit(code)


def migrate_first(quick: Facts | None, said: Connection) -> None:
    """A new database, or one a new version of Relais adds tables to: the migrations run
    before the back loads the rest of Relais, and the front serves once they are applied
    (MIGRATED) instead of once all is loaded. Any trouble is left to the back's own start,
    which migrates again and says what is wrong in one line."""
    quick = front_settings.with_database(quick) if quick is not None else None
    if quick is None:
        return
    try:
        from storage.engine import make_engine
        from storage.versions import migrate, shipped_folders

        engine = make_engine(quick.database_url)
        try:
            migrate(engine, shipped_folders())
        finally:
            engine.dispose()  # no connection of this process's start crosses the workers' fork
    except Exception:  # said by the back's own start, which tries again
        return
    said.send(MIGRATED)


def back(settings: Settings, port: int, handoff: Handoff) -> None:
    """Migrate, tell the front, then be the first worker (bot/cli_commands.py calls it for `serve`)."""
    from bot import doctor, worker
    from bot.bootstrap import platform_core, wall_clock
    from bot.port import ensure_free
    from handlers.watch.checks import configured

    if not handoff.held:
        ensure_free(port)
    core = platform_core(settings, clock=wall_clock)  # applies the migrations
    facts = Facts(port, settings.database_url, settings.slack_bot_token, settings.slack_api_url,
                  settings.slack_signing_secret, settings.tick_seconds, tuple(settings.secrets()),
                  settings.log_format == "json", configured(core.deps.team))  # fmt: skip
    core.engine.dispose()  # no database connection crosses the fork
    handoff.facts.send(facts)
    handoff.facts.close()
    others = worker.start(settings, handoff.handover, os.getpid(), first=False)  # ended when the back ends
    threading.Thread(target=doctor.log_checks, args=(settings,), daemon=True).start()
    worker.main(settings, handoff.handover, handoff.front, True, others)
    worker.stop(others)


def _serve(
    facts: Facts, sock: socket.socket | None, handover: Handover, back: Any, said: Connection | None, outcome: Outcome
) -> int:
    """Serve until SIGTERM or Ctrl-C; with `said`, the back's facts are still to come."""
    import uvicorn

    _log_to(facts)
    engine, app, health = _app(facts, handover)
    server = uvicorn.Server(uvicorn.Config(app, host="0.0.0.0", port=facts.port, log_level="warning",
                                           timeout_graceful_shutdown=4))  # fmt: skip
    if said is None:
        log.info("Relais listening on port %s (slack)", facts.port)
    else:
        threading.Thread(target=_await_back, args=(said, back, server, health, outcome), daemon=True).start()
    # SIGTERM: uvicorn stops taking requests and finishes those in flight (acks included), then
    # the workers finish the rows in hand; the rows nobody took are freed for the next start.
    # uvicorn raises the signal again once it has stopped; this handler (restored by it) lets us go on.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: None)
    signal.signal(signal.SIGINT, lambda _signum, _frame: None)  # Ctrl-C: the same clean stop
    server.run(sockets=[sock] if sock is not None else None)
    outcome.stop(back)
    back.join(timeout=8)
    _release(engine)
    if outcome.failed:  # the back said its mistake: nothing more to say
        return back.exitcode or 2
    log.info("Relais stopped")
    return 0


def _release(engine: Any) -> None:
    """The rows nobody took, freed for the next start; a worker still finishing one is not
    waited for long (the stop stays within its seconds): its lease frees it later."""
    from sqlalchemy.exc import SQLAlchemyError

    from handlers.core import rows

    try:
        with engine.begin() as conn:
            rows.release_at_stop(conn)
    except SQLAlchemyError as exc:
        log.warning("rows still held by a worker are freed when their lease ends (%s)", type(exc).__name__)


@dataclass
class Outcome:
    """How the front ends: stopped (SIGTERM, Ctrl-C), or after the back's own mistake."""

    stopping: bool = False
    failed: bool = False

    def stop(self, back: Any) -> None:
        self.stopping = True  # the back ends because we end it: no mistake of its own
        back.terminate()


def _await_back(said: Connection, back: Any, server: Any, health: Health, outcome: Outcome) -> None:
    """The front took requests before the back checked everything: its facts complete
    /healthz's, or, if it ends first (a mistake it said), the front stops too."""
    try:
        facts = _facts(said, said.recv())
    except EOFError:  # a mistake it said, or a stop that came before it was ready
        back.join()
        outcome.failed = not outcome.stopping
        server.should_exit = True
        return
    health.sources = facts.sources
    _log_to(facts)
    log.info("Relais listening on port %s (slack)", facts.port)


def _facts(said: Connection, first: Facts | str) -> Facts:
    """The back's facts, past its MIGRATED, which the front may not have waited for."""
    while not isinstance(first, Facts):
        first = said.recv()
    return first


def _log_to(facts: Facts) -> None:
    from bot import logs

    logs.setup(list(facts.secrets), logging.INFO, tracebacks=True, json_lines=facts.json_logs, libraries=True)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _app(facts: Facts, handover: Handover) -> tuple[Any, Any, Health]:
    """The Starlette app: Slack's endpoint and /healthz, on the inbox's few statements."""
    from bot.intake import Intake
    from bot.platforms.slack import build_app
    from bot.verdicts import Verdicts
    from bot.web import Health, create_app
    from handlers.core import rows
    from handlers.core.inbound import Inbound
    from storage.engine import make_engine

    engine = make_engine(facts.database_url)

    def store(requests: list[tuple[str, Inbound]]) -> list[int | None]:
        with engine.begin() as conn:
            return rows.store(conn, requests, _now())

    intake = Intake(store, handover.put, Verdicts(handover).ask)
    health = Health(engine, _now, "slack", facts.tick_seconds, facts.sources)
    return engine, create_app(health, slack=(facts, build_app(facts, intake))), health
