"""Alembic's entry: upgrades at start (bot passes the connection), and by hand
`alembic check` or `alembic revision --autogenerate` against every feature's tables."""

from typing import Any

from alembic import context
from sqlalchemy import MetaData, create_engine

from storage.engine import UTCDateTime


def models() -> MetaData | None:
    """Every feature's tables, which `check` and `revision --autogenerate` compare with the
    migrations. An upgrade at start (bot passes `upgrading`) runs the files alone: loading
    every feature first would delay the first request on a new database (bot/front.py)."""
    if config.attributes.get("upgrading"):
        return None
    import handlers.features  # noqa: F401  (each feature's tables.py joins the one metadata)
    from storage.models import Base

    return Base.metadata


def render_item(kind: str, item: Any, autogen: Any) -> str | bool:
    """Our own column type written as the migration can import it."""
    if kind == "type" and isinstance(item, UTCDateTime):
        autogen.imports.add("from storage.engine import UTCDateTime")
        return "UTCDateTime()"
    return False


config = context.config
connection = config.attributes.get("connection")
if connection is None:  # `alembic` run by hand: take the URL from the environment
    import os

    connection = create_engine(os.environ.get("DATABASE_URL", "sqlite:///relais.db")).connect()

context.configure(
    connection=connection,
    target_metadata=models(),
    render_as_batch=connection.dialect.name == "sqlite",
    render_item=render_item,
)
with context.begin_transaction():
    context.run_migrations()
