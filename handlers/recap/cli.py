"""`relais recap [--week YYYY-Www] [--post]`: a week's recap printed, or posted to TEAM_CHANNEL."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from handlers.core.i18n import N_, translator
from handlers.core.registry import CliCommand, Terminal
from handlers.core.work import UnitOfWork
from handlers.recap import weekly
from handlers.recap.data import last_week, parse_week, week_of, week_said


def _arguments(parser: argparse.ArgumentParser, _: Callable[[str], str]) -> None:
    parser.add_argument("--week", help=_("the week, e.g. 2026-W47 or 2026-S47"))
    parser.add_argument("--post", action="store_true", help=_("post it to TEAM_CHANNEL instead of printing it"))


def _run(uow: UnitOfWork, args: argparse.Namespace, terminal: Terminal) -> int:
    lang = uow.team.language
    _ = translator(lang)
    try:  # 2026-W47, or 2026-S47 as French writes it; the recap's key is the ISO spelling
        week = week_of(parse_week(args.week)) if args.week else last_week(uow.clock(), uow.team.timezone)
    except ValueError:
        print(_("“{week}” is not a week: write it like 2026-W47.").format(week=args.week), file=terminal.err)
        return 2
    if args.post:
        outcome = weekly.post_now(uow, week)
        if outcome != "posted":
            print(
                {
                    "already": _("The recap of {week} was posted already; it is posted once."),
                    "owed": _("The recap of {week} could not be posted now; Relais will try again while it runs."),
                }[outcome].format(week=week_said(week, lang)),
                file=terminal.err,
            )
        return 0 if outcome != "owed" else 1
    main, follow, _as_csv = weekly.messages(weekly.build_recap(uow, week), lang, uow.clock())
    for message in [main, *follow]:
        terminal.show(week_said(week, lang), message)
    return 0


COMMAND = CliCommand("recap", N_("print a week's moderation recap (default: last week)"), _arguments, _run)
