"""The watch: every reply, mention and alert about the association on its accounts and
alert feeds reaches the CM as a card to triage in one click (`handlers/watch/`)."""

from __future__ import annotations

from handlers.core.i18n import N_
from handlers.core.registry import CM, ButtonSpec, CliCommand, Command, EveryTick, Job, Registry, Sender
from handlers.watch import cards, collect, status, triage
from handlers.watch.sources import SETTINGS


def register(reg: Registry) -> None:
    reg.add(
        *SETTINGS,
        Command("cm watch", status.show, N_("the watched sources and where each stands"), access=CM),
        ButtonSpec("watch", triage.triage, access=CM),
        Sender(collect.ThreadCard, cards.send_card),
        Job("watch.poll", EveryTick(), collect.poll_due),
        CliCommand("watch", N_("read the watched sources now (relais watch poll)"), status.cli_arguments, status.cli),
    )
