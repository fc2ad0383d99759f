"""The one-shot commands: `relais recap`, `import`, `export`, `forget`."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

from bot.bootstrap import Core, bootstrap, team
from bot.config import Settings
from handlers.core.i18n import number, translator
from handlers.core.ports import Chat
from handlers.core.sheets import Unreadable
from handlers.features import registry
from handlers.moderation import retention
from handlers.moderation.spreadsheet import export_rows, import_rows
from handlers.news import submit as news
from handlers.recap import weekly as recap
from handlers.recap.data import last_week, parse_week, week_of, week_said


def _chat(settings: Settings) -> Chat:
    """The platform's chat, for `--post`; the console prints instead."""
    if settings.platform == "slack":
        from bot.platforms.slack import SlackChat, web_client

        return SlackChat(web_client(settings))
    if settings.platform == "mattermost":
        from bot.runner import mattermost_chat

        return mattermost_chat(settings)
    from bot.platforms.console import ConsoleChat, Screen

    return ConsoleChat(Screen(sys.stdout, settings.language), settings.language)


def _core(settings: Settings) -> Core:
    from bot.platforms.console import TEAM

    return bootstrap(settings, _chat(settings), team(settings, team_channel=settings.team_channel or TEAM))


def recap_command(settings: Settings, week: str | None, post: bool) -> int:
    core = _core(settings)
    lang = settings.language
    _ = translator(lang)
    try:  # 2026-W47, or 2026-S47 as French writes it; the recap's key is the ISO spelling
        week = week_of(parse_week(week)) if week else last_week(core.deps.clock(), settings.timezone)
    except ValueError:
        print(_("“{week}” is not a week: write it like 2026-W47.").format(week=week), file=sys.stderr)
        return 2
    if post:
        outcome = recap.post_now(core.deps, week)
        if outcome != "posted":
            print(
                {
                    "already": _("The recap of {week} was posted already; it is posted once."),
                    "owed": _("The recap of {week} could not be posted now; Relais will try again while it runs."),
                }[outcome].format(week=week_said(week, lang)),
                file=sys.stderr,
            )
        return 0 if outcome != "owed" else 1
    from bot.platforms.console import Screen

    screen = Screen(sys.stdout, settings.language)
    main, follow, _as_csv = recap.messages(recap.build_recap(core.deps, week), lang, core.deps.clock())
    for message in [main, *follow]:
        screen.show(week, message)
    return 0


def import_command(settings: Settings, path: Path) -> int:
    """Rows refused are listed by line; a file Relais cannot read as it is loads nothing (exit 2)."""
    core = _core(settings)
    lang = settings.language
    _ = translator(lang)
    with _progress(path, lang) as bar:
        try:
            loaded, problems = import_rows(core.deps, "import", path, bar.update)
        except Unreadable as refused:
            print(_("relais: {problem}").format(problem=refused), file=sys.stderr)
            return 2
    for line, problem in problems:
        print(_("line {line}: {problem}").format(line=line, problem=problem), file=sys.stderr)
    print(
        _("Entries loaded: {n}. Rows refused: {bad}.").format(n=number(loaded, lang), bad=number(len(problems), lang))
    )
    return 1 if problems else 0


def _progress(path: Path, lang: str) -> Any:
    """A progress bar on a terminal (tqdm), nothing when the output is a file or a pipe.
    Its total counts the file's lines: a text on several lines makes it end early."""
    from tqdm import tqdm

    shown = sys.stderr.isatty() and path.is_file()
    total = None
    if shown and path.suffix.casefold() != ".xlsx":
        with path.open("rb") as f:
            total = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b"")) or None
    _ = translator(lang)
    return tqdm(total=total, unit=_("rows"), disable=not shown, leave=False, file=sys.stderr)


def export_command(settings: Settings, what: str, out: Path | None) -> int:
    """CSV on the screen, or a file: .xlsx by its suffix, else CSV in the team's language."""
    core = _core(settings)
    writer = news.export_rows if what == "news" else export_rows
    count = writer(core.deps, out, sys.stdout)
    _ = translator(settings.language)
    print(_("Rows written: {n}.").format(n=number(count, settings.language)), file=sys.stderr)
    return 0


def forget_command(settings: Settings, author: str) -> int:
    """Prints how many entries changed; on the console the updated cards have nowhere to go."""
    from bot.platforms.console import ConsoleChat, Screen

    quiet = settings.platform == "console"
    core = _core(settings) if not quiet else bootstrap(settings, ConsoleChat(Screen(io.StringIO()), settings.language))
    changed = retention.forget_author(core.deps, author)
    _ = translator(settings.language)
    print(_("Entries that no longer show this author: {n}.").format(n=number(changed, settings.language)))
    return 0


def mattermost_setup(settings: Settings, team_name: str) -> int:
    """Create /news, /cm and the mention hook on a team, and say what to put in .env."""
    from bot.platforms.mattermost import setup
    from bot.runner import mattermost_chat

    if settings.platform != "mattermost":
        print(
            "relais: set RELAIS_PLATFORM=mattermost, MATTERMOST_URL, MATTERMOST_BOT_TOKEN and RELAIS_PUBLIC_URL first",
            file=sys.stderr,
        )
        return 2
    tokens = setup(settings, mattermost_chat(settings).api, team_name, registry())
    _ = translator(settings.language)
    print(
        _(
            "Slash commands /news and /cm and the mention hook are created. Put this line in .env, then run relais serve:"
        )
    )
    print("MATTERMOST_COMMAND_TOKENS=" + ",".join(tokens))
    return 0
