"""The weekly moderation recap."""

from __future__ import annotations

from handlers.core.i18n import N_
from handlers.core.registry import Registry
from handlers.recap import cli, weekly


def register(reg: Registry) -> None:
    reg.command(
        "cm recap",
        weekly.show,
        N_("the moderation recap of a week (default: last week)"),
        args=N_("[YYYY-Www]"),
        aliases=("bilan",),
    )
    weekly.register(reg)
    reg.cli_command(cli.COMMAND)
