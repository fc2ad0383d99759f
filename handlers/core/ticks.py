"""When an instance's ticker last ran, kept in the database so that `/healthz`,
served by another process, can tell a ticker that stopped."""

from __future__ import annotations

from datetime import datetime

from handlers.core.deps import Deps
from handlers.core.rows import TICKER as KEY
from handlers.core.rows import ticker_last
from handlers.core.tables import TeamState


def record(deps: Deps) -> None:
    with deps.db.begin() as s:
        s.merge(TeamState(key=KEY, value=deps.clock().isoformat()))


def last(deps: Deps) -> datetime | None:
    with deps.db() as s:
        return ticker_last(s)
