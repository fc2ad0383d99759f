"""The home view: Slack's App Home tab, and /cm home everywhere."""

from __future__ import annotations

from handlers.core.i18n import N_
from handlers.core.registry import Command, EveryTick, HomeOpened, Job, Registry, Sender
from handlers.home import view


def register(reg: Registry) -> None:
    """The view shows the parts every feature declares (`reg.home_parts`, read when it is shown)."""
    reg.add(
        Command(
            "cm home",
            lambda uow, req, _rest: view.show(uow, req, reg.home_parts),
            N_("your summary: news, negative messages, first weeks, what comes next"),
            aliases={"fr": ("accueil",)},
        ),
        Sender(view.Publish, lambda uow, publish, _sending: view.publish_home(uow, publish, reg.home_parts)),
        Job("home.publish", EveryTick(), lambda uow, _now: view.watch(uow, reg.home_parts)),
        HomeOpened(view.opened),
    )
