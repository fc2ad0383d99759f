"""The moderation and speaking charters, with their versions."""

from __future__ import annotations

from handlers.charters import edit
from handlers.core.context import Request
from handlers.core.i18n import N_
from handlers.core.registry import CM, Command, CommandRun, FormSpec, Registry, Submitter
from handlers.core.work import UnitOfWork

EDIT = CM.refusing(N_("⛔ Only the CM and admins can edit the charters."))


def register(reg: Registry) -> None:
    reg.add(
        Command(
            "cm charter",
            edit.show,
            N_("the moderation and speaking charters"),
            args="[moderation|speaking]",
            aliases={"fr": ("charte",)},
        ),
        Command(
            "cm charter edit",
            edit.edit_command,
            N_("edit a charter; /cm charter moderation history lists its versions"),
            args="moderation|speaking",
            access=EDIT,
            aliases={"fr": ("charte edit",)},
        ),
        Command(
            "cm charter history",
            edit.history_command,
            N_("the versions of a charter"),
            args="[moderation|speaking]",
            listed=False,
            aliases={"fr": ("charte history", "charte historique")},
        ),
    )
    for kind in edit.KINDS:  # the kind first, as people also say it: /cm charter moderation history
        reg.add(
            Command(
                f"cm charter {kind} history",
                _for(edit.history_command, kind),
                "",
                listed=False,
                aliases={"fr": (f"charte {kind} history",)},
            ),
            Command(
                f"cm charter {kind} edit",
                _for(edit.edit_command, kind),
                "",
                access=EDIT,
                listed=False,
                aliases={"fr": (f"charte {kind} edit",)},
            ),
            FormSpec(f"charter.{kind}", edit.validate, saver(kind), access=EDIT),
        )


def _for(run: CommandRun, kind: str) -> CommandRun:
    def with_kind(uow: UnitOfWork, req: Request, _args: str) -> None:
        run(uow, req, kind)

    return with_kind


def saver(kind: str) -> Submitter:
    """The form that edits one kind of charter (also the role charter's, declared by role/)."""

    def save(uow: UnitOfWork, req: Request, values: dict[str, str], state: str) -> None:
        edit.save(uow, req, kind, values, state)

    return save
