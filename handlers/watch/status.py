"""`/cm watch` and `relais watch poll`: the sources, where each stands, what waits."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from sqlalchemy import select

from handlers.core.context import Request
from handlers.core.dates import write_moment
from handlers.core.i18n import translator
from handlers.core.messages import Markup, Md, Message
from handlers.core.owing import later
from handlers.core.registry import Terminal
from handlers.core.work import UnitOfWork
from handlers.watch.collect import ThreadCard, poll
from handlers.watch.report import to_triage
from handlers.watch.sources import label, names
from handlers.watch.tables import WatchSource


def show(uow: UnitOfWork, req: Request, _rest: str) -> None:
    req.reply.reply(Message(text=Md.join(lines(uow, req.language))))


def lines(uow: UnitOfWork, lang: str) -> list[Md]:
    _ = translator(lang)
    configured = names(uow.team)
    if not configured:
        return [Md.of(_("No source is watched: set MASTODON_URL and MASTODON_ACCESS_TOKEN, BLUESKY_HANDLE and "
                        "BLUESKY_APP_PASSWORD, or WATCH_FEEDS "
                        "(see docs/settings.md)."))]  # fmt: skip
    with uow.reading() as s:
        states = {w.name: w for w in s.scalars(select(WatchSource))}
        waiting = to_triage(s)
    said = [Md.of(_("Messages to triage: {n}"), n=waiting)]
    for name in configured:
        said.append(_state(name, states.get(name), lang, uow))
    return said


def _state(name: str, state: WatchSource | None, lang: str, uow: UnitOfWork) -> Md:
    _ = translator(lang)
    shown = label(name)
    if state is None or state.polled_at is None:
        return Md.of(_("• {source}: not read yet"), source=shown)
    if state.failing_since is not None:
        return Md.of(_("• {source}: ⚠️ failing since {when} ({error})"), source=shown,
                     when=write_moment(state.failing_since, lang, uow.team.timezone), error=state.error)  # fmt: skip
    when = write_moment(state.ok_at or state.polled_at, lang, uow.team.timezone)
    return Md.of(_("• {source}: ✅ read {when}"), source=shown, when=when)


def cli_arguments(parser: argparse.ArgumentParser, _: Callable[[str], str]) -> None:
    parser.add_argument("action", choices=["poll"], help=_("poll: read every configured source once"))


def cli(uow: UnitOfWork, _args: argparse.Namespace, terminal: Terminal) -> int:
    """`relais watch poll`: one round now, each source's new messages counted, then where each stands."""
    _ = translator(uow.team.language)
    configured = names(uow.team)
    if not configured:
        print(_("relais: no source is watched: set MASTODON_URL and MASTODON_ACCESS_TOKEN, BLUESKY_HANDLE "
                "and BLUESKY_APP_PASSWORD, or WATCH_FEEDS "
                "(see docs/settings.md)"), file=terminal.err)  # fmt: skip
        return 2
    for name in configured:
        with terminal.progress(_("messages")) as stored:  # a busy source reads for a while
            added = poll(uow, name, uow.clock(), stored)
        print(_("{source}: {n} new").format(source=label(name), n=added), file=terminal.out)
    with uow.reading() as s:
        spaced = later(s, ThreadCard.kind, uow.clock())
    if spaced:
        print(_("Cards still to post: {n}, one a second (Slack's pace for a channel); the running Relais "
                "(relais serve) posts them.").format(n=spaced), file=terminal.out)  # fmt: skip
    for line in lines(uow, uow.team.language):
        print(PLAIN.render(line), file=terminal.out)
    return 0


PLAIN = Markup(escape=str, mention=lambda user: f"@{user}", bold="", code_marks=False)  # a terminal shows text as it is
