"""How the core settings' values are read: a database address Relais can use, a
country the holidays package knows, a list of ids. Each problem is added to
`problems` in the team's language, naming its variable."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def database_url(url: str, problems: list[str], _: Callable[[str], str]) -> str:
    """A database Relais can open and that keeps what it is given; PostgreSQL addresses
    are read with the psycopg driver Relais ships, whichever way they are written."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    example = "sqlite:///relais.db, postgresql+psycopg://user:password@host/database"
    try:
        parsed = make_url(url)
    except ArgumentError:
        problems.append(
            _("DATABASE_URL: not a database address (got {got}); e.g. {example}").format(got=repr(url), example=example)
        )
        return url
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            problems.append(
                _(
                    "DATABASE_URL: a SQLite database in memory keeps nothing once Relais stops; "
                    "give a file, e.g. sqlite:///relais.db"
                )
            )
        return url
    if backend in ("postgresql", "postgres"):
        if parsed.drivername != "postgresql+psycopg":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return parsed.render_as_string(hide_password=False)
    problems.append(
        _("DATABASE_URL: Relais runs on SQLite or PostgreSQL (got {got}); e.g. {example}").format(
            got=repr(backend), example=example
        )
    )
    return url


def country(code: str, problems: list[str], _: Callable[[str], str]) -> str:
    """A country the `holidays` package knows (ISO code), or empty for no holidays. Its
    registry is read as text: importing the package costs the serving process 17 MB."""
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
        problems.append(
            _("HOLIDAYS_COUNTRY: unknown country code {got} (e.g. FR, BE, CH, CA; empty for none)").format(
                got=repr(code)
            )
        )
    return code


def ids(value: str) -> frozenset[str]:
    return frozenset(v.strip() for v in value.split(",") if v.strip())
