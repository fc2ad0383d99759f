"""The watch: every reply, mention and alert about the association on its accounts and
alert feeds reaches the CM as a card to triage in one click (`handlers/watch/`)."""

from __future__ import annotations

from handlers.core.i18n import N_
from handlers.core.registry import (
    CM,
    ButtonSpec,
    CliCommand,
    Command,
    DigestPart,
    EveryTick,
    Forget,
    FormSpec,
    HomePart,
    Job,
    Nightly,
    RecapPart,
    Registry,
    Sender,
)
from handlers.watch import cards, collect, health, hide, privacy, reply, report, status, triage, words
from handlers.watch.sources import SETTINGS


def register(reg: Registry) -> None:
    reg.add(
        *SETTINGS,
        Command(
            "cm watch",
            status.show,
            N_("the watched sources and where each stands"),
            access=CM,
            aliases={"fr": ("veille",)},
        ),
        Command(
            "cm watch words",
            words.listing,
            N_("your words that mark a message negative in the watch's hint"),
            access=CM,
            open_ended=True,
            aliases={"fr": ("veille mots",)},
        ),
        Command(
            "cm watch words add",
            words.add,
            N_("add words to the watch's hint (remove: /cm watch words remove)"),
            args=N_("word, word"),
            access=CM,
            aliases={"fr": ("veille mots ajouter", "watch words ajouter")},
        ),
        Command(
            "cm watch words remove",
            words.remove,
            N_("remove words from the watch's hint"),
            args=N_("word, word"),
            access=CM,
            listed=False,
            open_ended=True,
            aliases={"fr": ("veille mots retirer", "watch words retirer")},
        ),
        ButtonSpec("watch", triage.triage, access=CM),
        ButtonSpec("watch_reply", reply.open_form, access=CM),
        FormSpec(reply.FORM, reply.validate, reply.submit, access=CM),
        ButtonSpec("watch_hide", hide.click, access=CM),
        FormSpec(hide.FORM, hide.validate, hide.submit, access=CM),
        Sender(hide.HideOnNetwork, hide.send_hide),
        Sender(hide.HideRefused, hide.send_refused),
        Sender(reply.PostReply, reply.send_reply),
        Sender(reply.ReplyRefused, reply.send_refused),
        Sender(collect.ThreadCard, cards.send_card),
        Sender(health.SourceNews, health.send_news),
        RecapPart(10, report.recap_lines),
        HomePart(25, report.home_count, report.home_version),
        DigestPart(10, report.digest_line),
        Job("watch.poll", EveryTick(), collect.poll_due),
        privacy.RAS_DAYS,
        Job("watch.privacy", Nightly(), privacy.nightly),
        Forget(privacy.forget_author, N_("Watch messages that no longer show this author: {n}.")),
        CliCommand("watch", N_("read the watched sources now (relais watch poll)"), status.cli_arguments, status.cli),
    )
