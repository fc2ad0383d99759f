"""The worker processes of `relais serve`: they process what the HTTP process
stored in the inbox, and the first one runs this instance's ticker. They are
forked from the HTTP process and end when it ends, however it ends (even by
SIGKILL). On SIGTERM a worker takes no new request, finishes those in hand and
stops its ticker; what it never took stays in the inbox for the next start.

Acks come first: a worker waits for a pause in the requests (QUIET) before it
processes, unless the request has waited MAX_WAIT already. A burst of commands is
acknowledged at the framework's own pace; the work follows at once, on every core.

Except what may open a form: the platform's `trigger_id` lasts about 3 s, so a click,
a shortcut or a command with no words (`/news` alone) takes the urgent lane, which
each worker reads in a thread of its own and never holds for a pause. A command
with words that opens a form waits like the others (at most MAX_WAIT)."""

from __future__ import annotations

import logging
import os
import queue
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.context import ForkContext
from typing import TYPE_CHECKING, Any

from bot import intake
from bot.config import Settings
from bot.intake import Item
from bot.scheduler import Ticker
from handlers.core.inbound import Click, Command, Inbound, Shortcut

if TYPE_CHECKING:
    from bot.bootstrap import Core

log = logging.getLogger(__name__)
THREADS = 2  # per worker process: platform calls wait on the network; more threads only fight for the GIL
QUIET = 0.05  # seconds without a new request
MAX_WAIT = 5.0  # seconds a request may wait for that pause: acks first, even under a long burst


class Handover:
    """From the HTTP process to the workers: each stored request, and when the last one came."""

    def __init__(self, forking: ForkContext) -> None:
        self.items: Any = forking.Queue()
        self.urgent: Any = forking.Queue()  # what may open a form: processed at once
        self.last: Any = forking.Value("d", 0.0, lock=False)  # CLOCK_MONOTONIC is the same in every process

    def put(self, item: Item) -> None:
        if may_open_a_form(item[1]):
            self.urgent.put(item)
            return
        now = time.monotonic()
        self.last.value = now
        self.items.put((now, item))

    def wait_for_a_pause(self, handed_at: float) -> None:
        while time.monotonic() - self.last.value < QUIET and time.monotonic() - handed_at < MAX_WAIT:
            time.sleep(QUIET / 2)


def may_open_a_form(request: Inbound) -> bool:
    """Its `trigger_id` must be used within about 3 s: not held behind a burst."""
    return isinstance(request, (Click, Shortcut)) or (isinstance(request, Command) and not request.text.strip())


def _urgent_lane(core: Core, handover: Handover, parent: int, stopping: threading.Event) -> threading.Thread:
    """The thread that processes what may open a form as soon as it comes, beside the pool."""

    def urgent() -> None:
        while os.getppid() == parent and not stopping.is_set():
            try:
                item = handover.urgent.get(timeout=1)
            except queue.Empty:
                continue
            intake.process(core.deps, item)

    lane = threading.Thread(target=urgent, name="relais-worker-urgent", daemon=True)
    lane.start()
    return lane


def workers() -> int:
    return min(2, os.cpu_count() or 1)


def main(settings: Settings, handover: Handover, parent: int, ticking: bool) -> None:
    from bot.bootstrap import platform_core, wall_clock

    os.nice(19)  # acks first: when requests and work compete for the CPU, requests win
    stopping = threading.Event()  # SIGTERM: take no new row, finish those in hand, stop the ticker, exit
    signal.signal(signal.SIGTERM, lambda _signum, _frame: stopping.set())
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the HTTP process stops us
    core = platform_core(settings, clock=wall_clock, migrations=False)  # its own connections and clients
    ticker = Ticker(core).start() if ticking else None

    free = threading.Semaphore(THREADS)  # take a request only with a thread free for it: the workers share fairly

    def process(item: Item) -> None:
        try:
            intake.process(core.deps, item)
        finally:
            free.release()

    lane = _urgent_lane(core, handover, parent, stopping)
    with ThreadPoolExecutor(THREADS, thread_name_prefix="relais-worker") as pool:
        while os.getppid() == parent and not stopping.is_set():
            if not free.acquire(timeout=1):
                continue
            try:
                handed_at, item = handover.items.get(timeout=1)
            except queue.Empty:
                free.release()
                continue
            handover.wait_for_a_pause(handed_at)
            pool.submit(process, item)
    lane.join(timeout=5)
    if ticker:
        ticker.stop()
