"""The home view: Slack's App Home tab, and /cm home everywhere."""

from __future__ import annotations

from handlers.core.registry import Registry
from handlers.home import view


def register(reg: Registry) -> None:
    view.register(reg)
