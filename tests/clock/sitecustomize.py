"""Moves every Python process of a test run to one hostile instant (CI's frozen runs).

`.ci/run` puts this folder on PYTHONPATH with RELAIS_FAKE_NOW (an ISO instant) and
RELAIS_FAKE_SINCE (the real epoch second it was set): each process, pytest and the
`relais` processes the tests start alike, travels to RELAIS_FAKE_NOW plus the real
time elapsed since RELAIS_FAKE_SINCE, and the clock ticks on from there. All of
them share one timeline, so Slack's signature timestamps still agree across
processes. time-machine changes what Python reads as the date (time.time,
datetime.now) but not the monotonic clock, so timeouts and waits are unchanged."""

from __future__ import annotations

import os

_NOW = os.environ.get("RELAIS_FAKE_NOW")
if _NOW:
    import time
    from datetime import datetime, timedelta

    import time_machine

    _elapsed = time.time() - float(os.environ.get("RELAIS_FAKE_SINCE") or time.time())
    time_machine.travel(datetime.fromisoformat(_NOW) + timedelta(seconds=_elapsed), tick=True).start()
