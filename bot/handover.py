"""From the HTTP process of `relais serve` to its worker processes: each stored
request, when the last one came, and the forms to check before their ack (Slack
and Mattermost show a form's errors only from the answer to its submission).

What may open a form goes first: the platform's `trigger_id` lasts about 3 s, so a
click, a shortcut or a command with no words (`/news` alone) takes the urgent lane,
as do the forms to check; the rest waits for a pause in the requests (QUIET), at
most MAX_WAIT, so a burst is acknowledged at the framework's own pace."""

from __future__ import annotations

import time
from dataclasses import dataclass
from multiprocessing.context import ForkContext
from typing import TYPE_CHECKING, Any

from handlers.core.inbound import Click, Command, Inbound, Shortcut, Submission

if TYPE_CHECKING:
    from bot.intake import Item  # which loads asyncio: the front forks its back before that

QUIET = 0.05  # seconds without a new request
MAX_WAIT = 5.0  # seconds a request may wait for that pause: acks first, even under a long burst


@dataclass(frozen=True)
class Ask:
    """A submitted form to check; its verdict comes back under `number`."""

    number: int
    form: Submission


class Handover:
    def __init__(self, forking: ForkContext) -> None:
        self.items: Any = forking.Queue()
        self.urgent: Any = forking.Queue()  # what may open a form, and the forms to check: at once
        self.verdicts: Any = forking.Queue()  # (Ask.number, the form's errors), back to the HTTP process
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
