"""The log of negative messages seen online, and their handling."""

from __future__ import annotations

from handlers.core.i18n import N_
from handlers.core.registry import Registry
from handlers.moderation import delivery, home, log, nudges, retention, spreadsheet

REFUSAL = N_("⛔ Only the CM and admins can use the moderation log. Nothing was changed.")


def register(reg: Registry) -> None:
    home.register(reg)
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
        log.list_command,
        N_("the moderation log (open: still to handle)"),
        args="[open]",
        who="cm",
        refusal=REFUSAL,
        aliases=("log liste", "journal list", "journal liste"),
    )
    reg.button("moderation", log.click, who="cm", refusal=REFUSAL)
    reg.form("moderation.log", log.validate, log.submit, who="cm", refusal=REFUSAL)
    reg.form("moderation.change", log.validate_change, log.submit_change, who="cm", refusal=REFUSAL)
    delivery.register(reg)
    nudges.register(reg)
    retention.register(reg)
    spreadsheet.register(reg)
