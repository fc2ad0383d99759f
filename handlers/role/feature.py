"""The CM's role: `/cm role [question]`, its charter, and mentions of the bot."""

from __future__ import annotations

from handlers.charters import edit as charters
from handlers.charters.feature import EDIT, saver
from handlers.core.i18n import N_
from handlers.core.registry import Command, Direct, FormSpec, Mention, Registry
from handlers.role import answer


def register(reg: Registry) -> None:
    reg.add(
        Command(
            "cm role",
            answer.show,
            N_("what the CM does; ask whether something is part of it"),
            args="[question]",
            aliases={"fr": ("rôle",)},
        ),
        Command(
            "cm role edit",
            lambda uow, req, _args: charters.edit_form(uow, req, answer.KIND),
            N_("edit the role charter"),
            access=EDIT,
        ),
        FormSpec("charter.role", answer.validate_charter, saver(answer.KIND), access=EDIT),
        Mention(answer.mention),
        Direct(answer.direct, order=10),
    )
