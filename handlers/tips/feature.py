"""Tips on how social networks differ from an internal bulletin."""

from __future__ import annotations

from handlers.core.i18n import N_
from handlers.core.registry import Registry
from handlers.tips import tip


def register(reg: Registry) -> None:
    reg.command("cm tip", tip.show, N_("a tip on how social networks differ from an internal bulletin"),
                aliases=("astuce", "conseil"))  # fmt: skip
    tip.register(reg)
