"""The log of negative messages seen online, and their handling."""

from __future__ import annotations

from handlers.core.i18n import N_
from handlers.core.registry import Registry
from handlers.moderation import delivery, log

REFUSAL = N_("⛔ Only the CM and admins can use the moderation log. Nothing was changed.")


def register(reg: Registry) -> None:
    reg.command(
        "cm log",
        log.command,
        N_("log a negative message seen online"),
        who="cm",
        refusal=REFUSAL,
        aliases=("journal",),
        open_ended=True,  # extra words get this command's usage, not the general help
    )
    reg.command(
        "cm log list",
        lambda d, r, rest: log.command(d, r, "list " + rest),
        N_("the moderation log (open: still to handle)"),
        args="[open]",
        who="cm",
        refusal=REFUSAL,
        aliases=("log liste", "journal list", "journal liste"),
    )
    reg.button("moderation", log.click)
    reg.form("moderation.log", log.validate, log.submit)
    reg.form("moderation.change", log.validate_change, log.submit_change)
    delivery.register(reg)
