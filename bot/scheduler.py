"""Each instance's clock: APScheduler in memory (its job stores must never be
shared between schedulers), used for ticking and for computing when recurring
things fire (CronTrigger, time zone and daylight saving included). What must
happen is always a keyed row in the database, so restarts and several
instances do each thing exactly once."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from bot.bootstrap import Core
from handlers.core import inbox, jobs, outbox, ticks
from handlers.core.deps import Deps

log = logging.getLogger(__name__)


class Ticker:
    """One per instance: runs the jobs due (handlers/core/jobs.py), takes up inbox rows a
    crash left, and delivers due outbox rows. Every step is safe to run anywhere, at once."""

    def __init__(self, core: Core, deps: Deps | None = None) -> None:
        self.core = core
        self.deps = deps or core.deps  # tests pass deps with a clock moved forward
        self.scheduler = BackgroundScheduler(
            timezone=core.settings.timezone,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
        )

    def tick(self) -> None:
        steps = (lambda: jobs.run_due(self.deps), lambda: inbox.replay(self.deps), lambda: outbox.deliver(self.deps),
                 lambda: ticks.record(self.deps))  # fmt: skip
        for step in steps:
            try:
                step()
            except Exception:  # one failing step must not stop the others, nor the next tick
                log.exception("tick step failed")
        self._wake_for_next()

    def _deliver_soon(self) -> None:
        try:
            outbox.deliver(self.deps)
        except Exception:
            log.exception("delivery failed")
        self._wake_for_next()

    def _wake_for_next(self) -> None:
        """A row due before the next tick (a burst spaced a second apart) gets a wake-up of
        its own, in the scheduler's threads: nothing sleeps in a thread that serves requests."""
        if not self.scheduler.running:
            return
        try:
            due = outbox.next_due(self.deps)
        except Exception:
            log.exception("reading the next delivery failed")
            return
        if due is None:
            return
        wait = max((due - self.deps.clock()).total_seconds(), 0.0)
        if wait < self.core.settings.tick_seconds:
            at = datetime.now(self.core.settings.timezone) + timedelta(seconds=wait)
            self.scheduler.add_job(self._deliver_soon, "date", run_date=at, id="soon", replace_existing=True)

    def start(self) -> Ticker:
        self.scheduler.add_job(
            self.tick,
            "interval",
            seconds=self.core.settings.tick_seconds,
            id="tick",
            next_run_time=datetime.now(self.core.settings.timezone),
        )  # at start too
        self.scheduler.start()
        return self

    def stop(self) -> None:
        self.scheduler.shutdown(wait=False)
