"""APScheduler with its jobs stored in Relais's own database, so a restart
keeps them. Jobs are module-level functions (the job store keeps a reference
to them, not the function), reaching the running core through `_core`."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from bot.bootstrap import Core
from handlers.core import outbox
from handlers.recap import weekly as recap
from handlers.moderation import retention

log = logging.getLogger(__name__)
_core: Core | None = None
running: BackgroundScheduler | None = None
OUTBOX_JOB = "outbox"
RECAP_JOB = "recap"
CATCH_UP_JOB = "recap-catch-up"
RETENTION_JOB = "retention"


def deliver_outbox() -> None:
    """Retry what the platform still owes (posts, updates, DMs)."""
    if _core is not None:
        delivered = outbox.deliver(_core.deps)
        if delivered:
            log.info("delivered %s pending message(s)", len(delivered))


def weekly_recap() -> None:
    """Last ISO week's recap, at RECAP_SCHEDULE; the database guard makes it once only."""
    if _core is not None:
        recap.post_once(_core.deps, recap.last_week(datetime.now(timezone.utc), _core.deps.team.timezone))


def recap_catch_up() -> None:
    """Relais was down at the scheduled time, or the post failed: post it now."""
    if _core is not None:
        recap.catch_up(_core.deps, _core.settings.recap_schedule)


def expire_authors() -> None:
    if _core is not None:
        changed = retention.expire(_core.deps, _core.settings.moderation_retention_days)
        if changed:
            log.info("retention: removed the author and link of %s old moderation entries", changed)


def start(core: Core) -> BackgroundScheduler:
    global _core, running
    _core = core
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=core.engine)},
        timezone=core.settings.timezone,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
    )
    day, hour, minute = core.settings.recap_schedule
    scheduler.add_job(deliver_outbox, "interval", minutes=1, id=OUTBOX_JOB, replace_existing=True)
    scheduler.add_job(weekly_recap, "cron", day_of_week=day, hour=hour, minute=minute, id=RECAP_JOB, replace_existing=True)
    scheduler.add_job(recap_catch_up, "interval", minutes=15, id=CATCH_UP_JOB, replace_existing=True,
                      next_run_time=datetime.now(timezone.utc))  # at start too
    scheduler.add_job(expire_authors, "cron", hour=3, minute=30, id=RETENTION_JOB, replace_existing=True)
    scheduler.start()
    running = scheduler
    return scheduler
