"""The registry of sensitive topics."""

from __future__ import annotations

from handlers.core.i18n import N_
from handlers.core.registry import Registry
from handlers.topics import sensitive

REFUSAL = N_("⛔ Only the CM and admins can change the sensitive topics.")


def register(reg: Registry) -> None:
    reg.command("cm topics", sensitive.command, N_("the sensitive topics"), aliases=("sujets",), open_ended=True)
    reg.command(
        "cm topics add",
        sensitive.add_command,
        N_("add a sensitive topic (remove: /cm topics remove Name)"),
        args=N_("Name: keyword, keyword"),
        who="cm",
        refusal=REFUSAL,
        aliases=("sujets add", "topics ajouter", "sujets ajouter"),
    )
    reg.command("cm topics remove", sensitive.remove_command, N_("remove a sensitive topic"), args=N_("Name"),
                who="cm", refusal=REFUSAL, listed=False, open_ended=True,
                aliases=("sujets remove", "topics supprimer", "sujets supprimer"))  # fmt: skip
