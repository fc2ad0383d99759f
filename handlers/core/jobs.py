"""Running what the features declared due, at each tick of each instance
(registry.job). Each `When` states its catch-up rule (declarations.py); what a
job queues is keyed, so every instance may run a Cron or EveryTick job and each
thing is sent once. A Nightly job changes things without a message to key, so
one instance claims the night first (a compare-and-set in `team_state`)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import update

from handlers.core.declarations import Cron, EveryTick, Job, Nightly
from handlers.core.deps import Deps
from handlers.core.once import changed, insert_or_ignore
from handlers.core.schedule import cron, last_due, local_day, office_hours
from handlers.core.tables import TeamState
from handlers.core.uow import SqlUnitOfWork

log = logging.getLogger(__name__)


def run_due(deps: Deps) -> None:
    """Every job due now, each on its own: one failing does not stop the others."""
    for job in deps.features.jobs.values():
        try:
            moment = _due(deps, job)
            if moment is not None:
                uow = SqlUnitOfWork(deps)
                said = job.run(uow, moment)
                uow.deliver()
                if said:
                    log.info("%s", said)
        except Exception:
            log.exception("job %s failed", job.name)


def _due(deps: Deps, job: Job) -> datetime | None:
    """The moment `job` runs for now, or None when it is not due."""
    team, now = deps.team, deps.clock()
    match job.when:
        case Cron(setting=setting, skips_holidays=skips, grace=grace):
            schedule = setting.of(team)
            if schedule is None:
                return None
            country = team.holidays_country if skips else ""
            return last_due(cron(schedule, team.timezone), now, team.timezone, grace=grace, holidays_country=country)
        case EveryTick(office_hours=True):
            return office_hours(now, team.timezone, team.holidays_country)
        case EveryTick():
            return now
        case Nightly(at=at):
            tonight = datetime.combine(local_day(now, team.timezone), at, team.timezone)
            fired = tonight if tonight <= now else tonight - timedelta(days=1)
            return fired if _claim_night(deps, job.name, fired) else None
    return None


def _claim_night(deps: Deps, name: str, fired: datetime) -> bool:
    """True for the one instance that takes this night's run of `name` first."""
    key, night = f"nightly:{name}"[:40], fired.date().isoformat()
    with deps.db.begin() as s:
        state = s.get(TeamState, key)
        if state is None:  # the first night: every instance adds the row, one claims it below
            s.execute(insert_or_ignore(TeamState, "key", s.get_bind().dialect.name), {"key": key, "value": ""})
        seen = state.value if state is not None else ""
        if seen >= night:
            return False
        claimed = update(TeamState).where(TeamState.key == key, TeamState.value == seen).values(value=night)
        return changed(s, claimed)
