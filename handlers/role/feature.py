"""The CM's role: `/cm role [question]`, its charter, and mentions of the bot."""

from __future__ import annotations

from handlers.charters import edit as charters
from handlers.charters.feature import REFUSAL, saver
from handlers.core.i18n import N_
from handlers.core.registry import Registry
from handlers.role import answer


def register(reg: Registry) -> None:
    reg.command("cm role", answer.show, N_("what the CM does; ask whether something is part of it"), args="[question]",
                aliases=("rôle",))  # fmt: skip
    reg.command(
        "cm role edit",
        lambda uow, req, _args: charters.edit_form(uow, req, answer.KIND),
        N_("edit the role charter"),
        who="cm",
        refusal=REFUSAL,
    )
    reg.form("charter.role", answer.validate_charter, saver(answer.KIND), who="cm", refusal=REFUSAL)
    reg.mention(answer.mention)
    reg.direct(answer.direct, order=10)
