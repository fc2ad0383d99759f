"""Make a schema migration from the models, as Alembic's autogenerate writes it:

    python scripts/migration.py "what changed"

The migrations are applied to a throwaway SQLite database, the models compared with it,
and the difference written as the next numbered revision in storage/migrations/versions/.
Read it before committing it; tests/test_schema.py then runs `alembic check` on SQLite
and PostgreSQL (models and migrations agree)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine

from storage.db import MIGRATIONS, head


def main(message: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite:///{folder}/schema.db")
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            command.revision(config, message=message, autogenerate=True, rev_id=f"{int(head()) + 1:04d}")
        engine.dispose()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
