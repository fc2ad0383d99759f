"""How the core settings' values are read: a database address Relais can use, a
country the holidays package knows, a list of ids. A problem raises SettingError,
in the team's language."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from handlers.core.setting_error import SettingError


def database_url(url: str, _: Callable[[str], str]) -> str:
    """A database Relais can open and that keeps what it is given; PostgreSQL addresses
    are read with the psycopg driver Relais ships, whichever way they are written."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    example = "sqlite:///relais.db, postgresql+psycopg://user:password@host/database"
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise SettingError(
            _("not a database address (got {got}); e.g. {example}").format(got=repr(url), example=example)
        ) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            raise SettingError(
                _("a SQLite database in memory keeps nothing once Relais stops; give a file, e.g. sqlite:///relais.db")
            )
        return url
    if backend in ("postgresql", "postgres"):
        if parsed.drivername != "postgresql+psycopg":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return parsed.render_as_string(hide_password=False)
    raise SettingError(
        _("Relais runs on SQLite or PostgreSQL (got {got}); e.g. {example}").format(got=repr(backend), example=example)
    )


def country(raw: str, _: Callable[[str], str]) -> str:
    """A country the `holidays` package knows (ISO code, any case), or empty for no holidays.
    Its registry is read as text: importing the package costs the serving process 17 MB."""
    code = raw.upper()
    if not code:
        return ""
    import importlib.util
    import re

    spec = importlib.util.find_spec("holidays")
    registry = Path(spec.origin).with_name("registry.py") if spec and spec.origin else None
    known = (
        set(re.findall(r'\(\s*"[^"]+",\s*"([A-Z]{2})"', registry.read_text()))
        if registry and registry.exists()
        else set()
    )
    if (known and code not in known) or not re.fullmatch(r"[A-Z]{2}", code):
        raise SettingError(_("unknown country code {got} (e.g. FR, BE, CH, CA; empty for none)").format(got=repr(code)))
    return code


def ids(value: str) -> frozenset[str]:
    return frozenset(v.strip() for v in value.split(",") if v.strip())
