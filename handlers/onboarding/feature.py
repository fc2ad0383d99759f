"""The CM's first weeks."""

from __future__ import annotations

from handlers.core.registry import Registry
from handlers.onboarding import plan


def register(reg: Registry) -> None:
    plan.register(reg)
