from alembic import context
from sqlalchemy import create_engine

from storage.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # `alembic` run by hand: take the URL from the environment
    import os

    connection = create_engine(os.environ.get("DATABASE_URL", "sqlite:///relais.db")).connect()

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
