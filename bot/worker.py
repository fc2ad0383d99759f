"""The worker processes of `relais serve`: they process what the HTTP process
stored in the inbox, check the forms it is asked to, and the first one runs this
instance's ticker. They end when the process that started them ends, however it
ends (even by SIGKILL). On SIGTERM a worker takes no new request, finishes those in
hand and stops its ticker; what it never took stays in the inbox for the next start.

Acks come first: the workers run at the lowest priority and wait for a pause in the
requests (bot/handover.py). The urgent lane (what may open a form, the forms to
check) is read by a process of its own at the usual priority (`lane`): a thread of a
worker kept its priority but not the GIL, which a worker's thread at the lowest
priority held while the acks took the CPU, so forms opened seconds late in a burst."""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import signal
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.process import BaseProcess
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


def lane(settings: Settings, handover: Handover, parent: int) -> None:
    """The urgent lane's process: a form Slack lets open for about 3 s, a form's check the
    HTTP process waits for. Two threads, at the usual priority; it ends as the workers do."""
    from bot.bootstrap import platform_core, wall_clock

    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda _signum, _frame: stopping.set())
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    core = platform_core(settings, clock=wall_clock, migrations=False)

    def run() -> None:
        while os.getppid() == parent and not stopping.is_set():
            try:
                item = handover.urgent.get(timeout=1)
            except queue.Empty:
                continue
            urgent(core, handover, item)

    threads = [threading.Thread(target=run, name=f"relais-urgent-{n}") for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def start(settings: Settings, handover: Handover, parent: int, *, first: bool) -> list[BaseProcess]:
    """Fork the urgent lane and the workers (with `first`, the first of them too: it runs
    the ticker), all ended when `parent` ends."""
    forking = multiprocessing.get_context("fork")
    processes: list[BaseProcess] = [
        forking.Process(target=lane, args=(settings, handover, parent), name="relais-urgent", daemon=True)
    ]
    for n in range(0 if first else 1, workers()):
        processes.append(forking.Process(target=main, args=(settings, handover, parent, n == 0),
                                         name=f"relais-worker-{n}", daemon=True))  # fmt: skip
    for process in processes:
        process.start()
    return processes


def stop(processes: list[BaseProcess]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.join(timeout=4)


def workers() -> int:
    return min(2, os.cpu_count() or 1)


def main(
    settings: Settings, handover: Handover, parent: int, ticking: bool, others: Sequence[BaseProcess] = ()
) -> None:
    """`parent`: the process whose end ends this one. `others`: the processes it started,
    told to stop as it is (all finish the rows in hand at once, within the stop's seconds)."""
    from bot.bootstrap import platform_core, wall_clock

    stopping = threading.Event()  # SIGTERM: take no new row, finish those in hand, stop the ticker, exit

    def on_sigterm(_signum: int, _frame: object) -> None:
        stopping.set()
        for process in others:
            process.terminate()

    signal.signal(signal.SIGTERM, on_sigterm)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the HTTP process stops us
    core = platform_core(settings, clock=wall_clock, migrations=False)  # its own connections and clients
    os.nice(19)  # acks first: when requests and work compete for the CPU, requests win (forms: `lane`)
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
    if ticker:
        ticker.stop()
