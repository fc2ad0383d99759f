"""The worker processes of `relais serve`: they process what the HTTP process
stored in the inbox, check the forms it is asked to, and the first one runs this
instance's ticker. They end when the process that started them ends, however it
ends (even by SIGKILL). On SIGTERM a worker takes no new request, finishes those in
hand and stops its ticker; what it never took stays in the inbox for the next start.

Acks come first: the workers run at the lowest priority and wait for a pause in the
requests (bot/handover.py). The urgent lane (what may open a form, the forms to
check) is read by a thread of its own, started before the process lowers its
priority: on Linux a thread keeps the priority it was created with, so a form opens
within the second even while a burst is acknowledged."""

from __future__ import annotations

import logging
import os
import queue
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.handover import Ask, Handover
from bot.intake import Item
from bot.scheduler import Ticker
from handlers.core import inbox

if TYPE_CHECKING:
    from bot.bootstrap import Core

log = logging.getLogger(__name__)
THREADS = 2  # per worker process: platform calls wait on the network; more threads only fight for the GIL


def urgent(core: Core, handover: Handover, item: Item | Ask) -> None:
    """A form to check answers the HTTP process at once; the rest is processed."""
    if not isinstance(item, Ask):
        inbox.take_up(core.deps, *item)
        return
    try:
        errors = inbox.verdict(core.deps, item.form)
    except Exception:  # no verdict: the form is stored, and its own check runs from the inbox
        log.exception("checking form %s failed", item.form.form_id)
        errors = {}
    handover.verdicts.put((item.number, errors))


def _urgent_lane(core: Core, handover: Handover, parent: int, stopping: threading.Event) -> threading.Thread:
    """The thread that takes the urgent lane as soon as something comes, beside the pool."""

    def run() -> None:
        while os.getppid() == parent and not stopping.is_set():
            try:
                item = handover.urgent.get(timeout=1)
            except queue.Empty:
                continue
            urgent(core, handover, item)

    lane = threading.Thread(target=run, name="relais-worker-urgent", daemon=True)
    lane.start()
    return lane


def workers() -> int:
    return min(2, os.cpu_count() or 1)


def main(settings: Settings, handover: Handover, parent: int, ticking: bool) -> None:
    """`parent`: the process whose end ends this one."""
    from bot.bootstrap import platform_core, wall_clock

    stopping = threading.Event()  # SIGTERM: take no new row, finish those in hand, stop the ticker, exit
    signal.signal(signal.SIGTERM, lambda _signum, _frame: stopping.set())
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the HTTP process stops us
    core = platform_core(settings, clock=wall_clock, migrations=False)  # its own connections and clients
    lane = _urgent_lane(core, handover, parent, stopping)
    os.nice(19)  # acks first: when requests and work compete for the CPU, requests win (the lane excepted)
    ticker = Ticker(core).start() if ticking else None
    free = threading.Semaphore(THREADS)  # take a request only with a thread free for it: the workers share fairly

    def process(item: Item) -> None:
        try:
            inbox.take_up(core.deps, *item)
        finally:
            free.release()

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
