"""When an instance's ticker last ran, kept in the database so that `/healthz`,
served by another process, can tell a ticker that stopped."""

from __future__ import annotations

from datetime import datetime

from handlers.core.deps import Deps
from handlers.core.tables import TeamState

KEY = "ticker:last"


def record(deps: Deps) -> None:
    with deps.db.begin() as s:
        s.merge(TeamState(key=KEY, value=deps.clock().isoformat()))


def last(deps: Deps) -> datetime | None:
    with deps.db() as s:
        state = s.get(TeamState, KEY)
    return datetime.fromisoformat(state.value) if state else None
