"""A submitted form's check, asked by the lean HTTP process of `relais serve` of a worker
(bot/front.py): Slack shows a form's errors only from the answer to its submission, and
closes that answer after 3 s."""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading

from bot.handover import Ask, Handover
from handlers.core.inbound import Submission

log = logging.getLogger("relais")
VERDICT_WAIT = 2.0  # seconds a form's check may take: Slack closes the form's submission after 3


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
