"""APScheduler with its jobs stored in Relais's own database, so a restart
keeps them. Jobs are module-level functions (the job store keeps a reference
to them, not the function), reaching the running core through `_core`."""

from __future__ import annotations

import logging

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from bot.bootstrap import Core
from handlers import outbox

log = logging.getLogger(__name__)
_core: Core | None = None
running: BackgroundScheduler | None = None
OUTBOX_JOB = "outbox"


def deliver_outbox() -> None:
    """Retry what the platform still owes (posts, updates, DMs)."""
    if _core is not None:
        delivered = outbox.deliver(_core.deps)
        if delivered:
            log.info("delivered %s pending message(s)", len(delivered))


def start(core: Core) -> BackgroundScheduler:
    global _core, running
    _core = core
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=core.engine)},
        timezone=core.settings.timezone,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
    )
    scheduler.add_job(deliver_outbox, "interval", minutes=1, id=OUTBOX_JOB, replace_existing=True)
    scheduler.start()
    running = scheduler
    return scheduler
