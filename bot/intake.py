"""Between a platform's request and its ack: the request is written to the inbox
(requests arriving together share one transaction, so acks stay fast under a
burst), then handed on to be processed — in a worker thread of this process, or,
under `relais serve`, to the worker processes (bot/worker.py), so that processing
never slows the acks down. What an adapter needs before its ack is all here, and
nothing of the features: the HTTP process of `relais serve` loads
no ORM model, sender or schedule (bot/front.py)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from handlers.core.inbound import Inbound, Submission

log = logging.getLogger(__name__)
Item = tuple[int, Inbound]  # the inbox row's id, and what it holds
Store = Callable[[list[tuple[str, Inbound]]], list[int | None]]
HandOn = Callable[[Item], None]
Validate = Callable[[Submission], Awaitable[dict[str, str]]]


class Intake:
    def __init__(self, store: Store, hand_on: HandOn, validate: Validate, *, in_thread: bool = False) -> None:
        """`store` writes requests to the inbox (handlers/core/rows.py); `hand_on` has a stored
        request processed: in a worker thread here with `in_thread`, else it only hands it
        over (bot/handover.py). `validate` gives a submitted form's errors before its ack."""
        self.store = store
        self.hand_on = hand_on
        self.validate = validate
        self.in_thread = in_thread
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
                    ids = await asyncio.to_thread(self.store, [(k, r) for k, r, _f in batch])
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
        if self.in_thread:
            self._keep(asyncio.ensure_future(asyncio.to_thread(self.hand_on, (row, request))))
        else:
            self.hand_on((row, request))

    def _keep(self, task: asyncio.Future[Any]) -> None:
        self.background.add(task)
        task.add_done_callback(self.background.discard)
