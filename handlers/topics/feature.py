"""The registry of sensitive topics."""

from __future__ import annotations

from handlers.core.i18n import N_
from handlers.core.registry import CM, Command, Registry
from handlers.topics import sensitive

EDIT = CM.refusing(N_("⛔ Only the CM and admins can change the sensitive topics."))


def register(reg: Registry) -> None:
    reg.add(
        Command(
            "cm topics", sensitive.command, N_("the sensitive topics"), aliases={"fr": ("sujets",)}, open_ended=True
        ),
        Command(
            "cm topics add",
            sensitive.add_command,
            N_("add a sensitive topic (remove: /cm topics remove Name)"),
            args=N_("Name: keyword, keyword"),
            access=EDIT,
            aliases={"fr": ("sujets add", "topics ajouter", "sujets ajouter")},
        ),
        Command(
            "cm topics remove",
            sensitive.remove_command,
            N_("remove a sensitive topic"),
            args=N_("Name"),
            access=EDIT,
            listed=False,
            open_ended=True,
            aliases={"fr": ("sujets remove", "topics supprimer", "sujets supprimer")},
        ),
    )
