"""What the front of `relais serve` serves with (`Facts`), and the few of them it reads
itself, so as to take requests before the back has loaded Relais and checked every
setting (bot/front.py). They are read as bot/config.py reads them, with the same readers;
a value the front is unsure of gives no facts at all, and the front then waits for the
back's, which says what is wrong in one line."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace


@dataclass(frozen=True)
class Facts:
    """The few settings the front uses, and the watch's configured sources (for /healthz),
    which only the back knows: the features' settings are its to read."""

    port: int
    database_url: str
    slack_bot_token: str
    slack_api_url: str
    slack_signing_secret: str
    tick_seconds: int
    secrets: tuple[str, ...]
    json_logs: bool
    sources: tuple[tuple[str, str], ...] = field(default=())


def environment() -> dict[str, str]:
    """The variables as Relais reads them: the environment's, else `.env`'s (bot/config.py)."""
    from dotenv import dotenv_values

    written = dotenv_values(os.path.join(os.getcwd(), ".env"))
    return {**{k: v for k, v in written.items() if v is not None}, **os.environ}


def read(argv: list[str]) -> Facts | None:
    """The facts of `relais serve [--port N]` on Slack over HTTP, or None when a value is
    missing or odd, or the command line says more (the back reads and says it all). The
    database's address is as written: `with_database` reads it, once the back is forked
    (it loads SQLAlchemy, which the back need not wait for)."""
    env = environment()

    def get(name: str, default: str = "") -> str:
        return env.get(name, default).strip()

    port, tick = _port(argv, get("PORT", "3000")), get("RELAIS_TICK_SECONDS", "10")
    token, secret, log_format = get("SLACK_BOT_TOKEN"), get("SLACK_SIGNING_SECRET"), get("LOG_FORMAT", "text").lower()
    url = get("DATABASE_URL", "sqlite:///relais.db")
    if port is None or not tick.isdigit() or not (token and secret) or log_format not in ("text", "json"):
        return None
    api = get("SLACK_API_URL", "https://slack.com/api/")
    return Facts(port, url, token, api, secret, max(1, int(tick)), (token, secret), log_format == "json")


def with_database(facts: Facts) -> Facts | None:
    """`facts` with the database's address read as bot/config.py reads it; None if wrong."""
    from bot.config_values import database_url
    from handlers.core.setting_error import SettingError

    try:
        return replace(facts, database_url=database_url(facts.database_url, str))
    except SettingError:
        return None


def _port(argv: list[str], setting: str) -> int | None:
    """`--port N` (or `--port=N`), else PORT, as bot/cli_commands.py reads them (0: PORT)."""
    given = argv[1:]
    if given[:1] == ["--port"] and len(given) == 2:
        given = [f"--port={given[1]}"]
    if len(given) > 1 or (given and not given[0].startswith("--port=")):
        return None
    chosen = given[0].removeprefix("--port=") if given else ""
    if chosen and not chosen.isdigit():
        return None
    return int(chosen) if chosen and int(chosen) else (int(setting) if setting.isdigit() else None)


def say_stopped() -> None:
    """Ctrl-C while Relais starts, before bot/cli.py can say it: the same line, in the
    team's language (a traceback would tell a volunteer something broke). The Ctrl-C may
    have cut an import short (SQLAlchemy's, Babel's), and what needs it cannot load again:
    the language is read as the front reads its settings, the catalogs need Babel alone,
    and without them the line is said in English."""
    import sys

    language = environment().get("RELAIS_LANGUAGE", "").strip().lower()
    try:
        from handlers.core.i18n import LANGUAGES, translator

        _ = translator(language if language in LANGUAGES else "fr")
        line = _("relais: stopped")
    except Exception:  # Babel itself cut short
        line = "relais: stopped"
    print(line, file=sys.stderr)
