"""Each instance's clock: APScheduler in memory (its job stores must never be
shared between schedulers), used for ticking and for computing when recurring
things fire (CronTrigger, time zone and daylight saving included). What must
happen is always a keyed row in the database, so restarts and several
instances do each thing exactly once."""

from __future__ import annotations

import logging
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.bootstrap import Core
from handlers.core import inbox, outbox, ticks
from handlers.core.context import Deps
from handlers.core.owing import enqueue_all
from handlers.core.schedule import cron, last_due
from handlers.core.uow import UnitOfWork

log = logging.getLogger(__name__)


class Ticker:
    """One per instance: owes what recurring schedules made due, takes up inbox rows a
    crash left, and delivers due outbox rows. Every step is safe to run anywhere, at once."""

    def __init__(self, core: Core, deps: Deps | None = None) -> None:
        self.core = core
        self.deps = deps or core.deps  # tests pass deps with a clock moved forward
        self.scheduler = BackgroundScheduler(
            timezone=core.settings.timezone,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
        )

    def owe_recurring(self) -> None:
        team = self.deps.team
        now = self.deps.clock()
        for recurring in self.deps.features.recurring:
            schedule = recurring.schedule.of(team)
            if schedule is None:
                continue
            fired = last_due(  # keyed by the day it goes out: a holiday's and the next working day's are one
                cron(schedule, team.timezone),
                now,
                team.timezone,
                grace=recurring.grace,
                holidays_country=team.holidays_country if recurring.skips_holidays else "",
            )
            if fired is None:
                continue
            uow = UnitOfWork(self.deps)
            with uow.writing() as s:
                if enqueue_all(s, recurring.due(uow, fired), due_at=fired):
                    log.info("%s owed for %s", recurring.schedule.name, fired.isoformat())
        for watch in self.deps.features.watches:  # conditions that make something due (an item waiting too long)
            watch(UnitOfWork(self.deps))

    def tick(self) -> None:
        steps = (self.owe_recurring, lambda: inbox.replay(self.deps), lambda: outbox.deliver(self.deps),
                 lambda: ticks.record(self.deps))  # fmt: skip
        for step in steps:
            try:
                step()
            except Exception:  # one failing step must not stop the others, nor the next tick
                log.exception("tick step failed")

    def daily(self) -> None:
        """The features' night jobs, each on its own, then the core's pruning."""
        for job in self.deps.features.dailies:
            uow = UnitOfWork(self.deps)
            try:
                said = job.run(uow)
                outbox.deliver_sent(uow)
            except Exception:
                log.exception("daily job %s failed", job.name)
                continue
            if said:
                log.info("%s", said)
        inbox.prune(self.deps)
        outbox.prune(self.deps)

    def start(self) -> Ticker:
        self.scheduler.add_job(
            self.tick,
            "interval",
            seconds=self.core.settings.tick_seconds,
            id="tick",
            next_run_time=datetime.now(self.core.settings.timezone),
        )  # at start too
        self.scheduler.add_job(
            self.daily, CronTrigger(hour=3, minute=30, timezone=self.core.settings.timezone), id="daily"
        )
        self.scheduler.start()
        return self

    def stop(self) -> None:
        self.scheduler.shutdown(wait=False)
