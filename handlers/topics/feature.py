"""The registry of sensitive topics."""

from __future__ import annotations

from handlers.core.i18n import N_
from handlers.core.registry import Registry
from handlers.topics import sensitive


def register(reg: Registry) -> None:
    reg.command("cm topics", sensitive.command, N_("the sensitive topics"), aliases=("sujets",), open_ended=True)
    reg.command(
        "cm topics add",
        lambda d, r, rest: sensitive.command(d, r, "add " + rest),
        N_("add a sensitive topic (remove: /cm topics remove Name)"),
        args=N_("Name: keyword, keyword"),
        who="cm",
        refusal=N_("⛔ Only the CM and admins can change the sensitive topics."),
        aliases=("sujets add", "topics ajouter", "sujets ajouter"),
    )
