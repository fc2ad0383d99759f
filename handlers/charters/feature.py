"""The moderation and speaking charters, with their versions."""

from __future__ import annotations

from handlers.charters import edit
from handlers.core.context import Deps, Request
from handlers.core.i18n import N_
from handlers.core.registry import Registry, Submitter


def register(reg: Registry) -> None:
    reg.command(
        "cm charter",
        edit.command,
        N_("the moderation and speaking charters"),
        args="[moderation|speaking]",
        aliases=("charte",),
    )
    reg.command(
        "cm charter edit",
        lambda d, r, rest: edit.command(d, r, "edit " + rest),
        N_("edit a charter; /cm charter moderation history lists its versions"),
        args="moderation|speaking",
        who="cm",
        refusal=N_("⛔ Only the CM and admins can edit the charters."),
        aliases=("charte edit",),
    )
    for kind in edit.KINDS:
        reg.form(f"charter.{kind}", edit.validate, saver(kind))


def saver(kind: str) -> Submitter:
    """The form that edits one kind of charter (also the role charter's, declared by role/)."""

    def save(deps: Deps, req: Request, values: dict[str, str], state: str) -> None:
        edit.save(deps, req, kind, values, state)

    return save
