"""Alembic's entry: upgrades at start (bot passes the connection), and by hand
`alembic check` or `alembic revision --autogenerate` against every feature's tables."""

from typing import Any

from alembic import context
from sqlalchemy import create_engine

import handlers.features  # noqa: F401  (each feature's tables.py joins the one metadata)
from storage.models import Base, UTCDateTime


def render_item(kind: str, item: Any, autogen: Any) -> str | bool:
    """Our own column type written as the migration can import it."""
    if kind == "type" and isinstance(item, UTCDateTime):
        autogen.imports.add("from storage.models import UTCDateTime")
        return "UTCDateTime()"
    return False


config = context.config
connection = config.attributes.get("connection")
if connection is None:  # `alembic` run by hand: take the URL from the environment
    import os

    connection = create_engine(os.environ.get("DATABASE_URL", "sqlite:///relais.db")).connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    render_item=render_item,
)
with context.begin_transaction():
    context.run_migrations()
