"""The worker process of `relais serve`: it processes what the HTTP process stored
in the inbox and runs this instance's ticker. It is forked from the HTTP process
and ends when that process ends, however it ends (even by SIGKILL)."""

from __future__ import annotations

import logging
import os
import queue
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.queues import Queue

from bot.config import Settings
from bot.intake import Item
from bot.scheduler import Ticker
from handlers.core import inbox

log = logging.getLogger(__name__)
THREADS = 2  # platform calls wait on the network; more writers would only queue on SQLite


def main(settings: Settings, handed_on: Queue[Item], parent: int) -> None:
    from bot.runner import platform_core

    os.nice(19)  # acks first: during a burst the HTTP process gets the CPU, the work follows
    core = platform_core(settings, migrations=False)  # its own connections and clients
    ticker = Ticker(core).start()

    def process(item: Item) -> None:
        try:
            inbox.process_stored(core.deps, *item)
        except Exception:  # what was stored stays stored; the ticker takes the row up again
            log.exception("processing inbox row %s failed", item[0])

    with ThreadPoolExecutor(THREADS, thread_name_prefix="relais-worker") as pool:
        while os.getppid() == parent:
            try:
                item = handed_on.get(timeout=1)
            except queue.Empty:
                continue
            pool.submit(process, item)
    ticker.stop()
