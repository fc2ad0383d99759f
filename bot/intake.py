"""Between a platform's request and its ack: the request is written to the inbox
(requests arriving together share one transaction, so acks stay fast under a
burst), then handed on to be processed — in a worker thread of this process, or,
under `relais serve`, to the worker process (bot/worker.py), so that processing
never slows the acks down."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from handlers.core import inbox
from handlers.core.deps import Deps
from handlers.core.inbound import Inbound

log = logging.getLogger(__name__)
Item = tuple[int, Inbound]  # the inbox row's id, and what it holds


def process(deps: Deps, item: Item) -> None:
    """Process a stored request; a failure is logged, and the row stays for the ticker."""
    try:
        inbox.process_stored(deps, *item)
    except Exception:
        log.exception("processing inbox row %s failed", item[0])


class Intake:
    def __init__(self, deps: Deps, hand_on: Callable[[Item], None] | None = None) -> None:
        """`hand_on` sends a stored request to be processed elsewhere; by default it is
        processed in a worker thread here."""
        self.deps = deps
        self.hand_on = hand_on
        self.waiting: list[tuple[str, Inbound, asyncio.Future[int | None]]] = []
        self.writing = False
        self.background: set[asyncio.Future[Any]] = set()

    async def receive(self, key: str, request: Inbound) -> int | None:
        """The inbox row's id once it is committed; None for a platform retry already received."""
        done: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        self.waiting.append((key, request, done))
        if not self.writing:
            self.writing = True
            self._keep(asyncio.ensure_future(self._write()))
        return await done

    async def _write(self) -> None:
        try:
            while self.waiting:
                batch, self.waiting = self.waiting, []
                try:
                    ids = await asyncio.to_thread(inbox.receive_many, self.deps, [(k, r) for k, r, _f in batch])
                except Exception as exc:  # the requests get an error instead of an ack
                    for *_rest, done in batch:
                        done.set_exception(exc)
                    continue
                for (*_rest, done), row in zip(batch, ids, strict=True):
                    done.set_result(row)
        finally:
            self.writing = False

    def process(self, row: int | None, request: Inbound) -> None:
        """Have a stored request processed, after the ack."""
        if row is None:
            return
        if self.hand_on is not None:
            self.hand_on((row, request))
        else:
            self._keep(asyncio.ensure_future(asyncio.to_thread(process, self.deps, (row, request))))

    def _keep(self, task: asyncio.Future[Any]) -> None:
        self.background.add(task)
        task.add_done_callback(self.background.discard)
