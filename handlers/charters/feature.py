"""The moderation and speaking charters, with their versions."""

from __future__ import annotations

from handlers.charters import edit
from handlers.core.context import Request
from handlers.core.i18n import N_
from handlers.core.registry import CommandRun, Registry, Submitter
from handlers.core.work import UnitOfWork

REFUSAL = N_("⛔ Only the CM and admins can edit the charters.")


def register(reg: Registry) -> None:
    reg.command(
        "cm charter",
        edit.show,
        N_("the moderation and speaking charters"),
        args="[moderation|speaking]",
        aliases=("charte",),
    )
    reg.command(
        "cm charter edit",
        edit.edit_command,
        N_("edit a charter; /cm charter moderation history lists its versions"),
        args="moderation|speaking",
        who="cm",
        refusal=REFUSAL,
        aliases=("charte edit",),
    )
    reg.command("cm charter history", edit.history_command, N_("the versions of a charter"),
                args="[moderation|speaking]", listed=False, aliases=("charte history", "charte historique"))  # fmt: skip
    for kind in edit.KINDS:  # the kind first, as people also say it: /cm charter moderation history
        for top in ("charter", "charte"):
            reg.command(f"cm {top} {kind} history", _for(edit.history_command, kind), "", listed=False)
            reg.command(f"cm {top} {kind} edit", _for(edit.edit_command, kind), "", who="cm", refusal=REFUSAL,
                        listed=False)  # fmt: skip
        reg.form(f"charter.{kind}", edit.validate, saver(kind), who="cm", refusal=REFUSAL)


def _for(run: CommandRun, kind: str) -> CommandRun:
    def with_kind(uow: UnitOfWork, req: Request, _args: str) -> None:
        run(uow, req, kind)

    return with_kind


def saver(kind: str) -> Submitter:
    """The form that edits one kind of charter (also the role charter's, declared by role/)."""

    def save(uow: UnitOfWork, req: Request, values: dict[str, str], state: str) -> None:
        edit.save(uow, req, kind, values, state)

    return save
