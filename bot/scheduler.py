"""Each instance's clock: APScheduler in memory (its job stores must never be
shared between schedulers), used for ticking and for computing when recurring
things fire (CronTrigger, time zone and daylight saving included). What must
happen is always a keyed row in the database, so restarts and several
instances do each thing exactly once."""

from __future__ import annotations

import logging
from datetime import datetime

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
