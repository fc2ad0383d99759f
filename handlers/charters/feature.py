"""The moderation and speaking charters, with their versions."""

from __future__ import annotations

from handlers.charters import edit
from handlers.core.i18n import N_
from handlers.core.registry import Registry


def register(reg: Registry) -> None:
    reg.command("cm charter", edit.command, N_("the moderation and speaking charters"), args="[moderation|speaking]",
                aliases=("charte",))
    reg.command("cm charter edit", lambda d, r, rest: edit.command(d, r, "edit " + rest),
                N_("edit a charter; /cm charter moderation history lists its versions"), args="moderation|speaking",
                who="cm", refusal=N_("⛔ Only the CM and admins can edit the charters."), aliases=("charte edit",))
    for kind in edit.KINDS:
        reg.form(f"charter.{kind}", edit.validate, lambda d, r, v, s, k=kind: edit.save(d, r, k, v, s))
