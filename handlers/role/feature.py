"""The CM's role: `/cm role [question]`, its charter, and mentions of the bot."""

from __future__ import annotations

from handlers.charters import edit as charters
from handlers.charters.feature import saver
from handlers.core.i18n import N_
from handlers.core.registry import Registry
from handlers.role import answer


def register(reg: Registry) -> None:
    reg.command("cm role", answer.show, N_("what the CM does; ask whether something is part of it"), args="[question]")
    reg.command(
        "cm role edit",
        lambda d, r, _rest: charters.edit_form(d, r, answer.KIND),
        N_("edit the role charter"),
        who="cm",
        refusal=N_("⛔ Only the CM and admins can edit the charters."),
    )
    reg.form("charter.role", answer.validate_charter, saver(answer.KIND))
    reg.mention = answer.mention
