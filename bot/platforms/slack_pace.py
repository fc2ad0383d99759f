"""Slack lets an app post about one message per second to a channel, with short bursts
("chat.postMessage" docs: rate limiting); past that it answers 429. Relais spaces its
own posts per channel instead of being refused: a burst of BURST goes at once, then one
a second. A leaky bucket per channel, on a monotonic clock: the pace of a transport, not
a time the team sees, so it needs none of the handlers' clock."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

BURST = 3  # posts to one channel that may go at once
PER_SECOND = 1.0  # then this many a second


class ChannelPace:
    """`take(channel)` before each post: waits as long as the channel's pace asks."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, wait: Callable[[float], None] = time.sleep,
                 burst: int = BURST, per_second: float = PER_SECOND) -> None:  # fmt: skip
        self.clock, self.wait, self.burst, self.rate = clock, wait, burst, per_second
        self._level: dict[str, tuple[float, float]] = {}  # channel -> (posts in the bucket, when)
        self._lock = threading.Lock()

    def take(self, channel: str) -> float:
        """Wait for this channel's turn; how long it waited, in seconds."""
        with self._lock:
            now = self.clock()
            level, at = self._level.get(channel, (0.0, now))
            level = max(0.0, level - (now - at) * self.rate) + 1
            self._level[channel] = (level, now)
        delay = max(0.0, level - self.burst) / self.rate
        if delay > 0:
            self.wait(delay)
        return delay
