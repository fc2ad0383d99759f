"""Make a schema migration from the models, as Alembic's autogenerate writes it:

    python scripts/migration.py "what changed"                     # the shared history
    python scripts/migration.py "what changed" handlers/events     # a feature's own branch

The migrations are applied to a throwaway SQLite database, the models compared with it,
and the difference written as the next revision: numbered in storage/migrations/versions/,
or `<feature>_0001`, `<feature>_0002`… in the feature's `migrations/` folder (its own
Alembic branch, labelled with the folder's name, made on its first migration). Read it
before committing it; tests/test_schema.py then runs `alembic check` on SQLite and
PostgreSQL (models and migrations agree)."""

from __future__ import annotations

import importlib
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alembic import command
from sqlalchemy import create_engine

from handlers.features import registry
from storage.db import alembic_config, heads

ROOT = Path(__file__).resolve().parent.parent


def main(message: str, feature: Path | None) -> None:
    folders = registry().migrations
    if feature is not None:
        importlib.import_module(".".join(feature.resolve().relative_to(ROOT).parts) + ".tables")
        folders = tuple(sorted({*folders, feature.resolve() / "migrations"}))
        (feature / "migrations").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite:///{folder}/schema.db")
        with engine.begin() as conn:
            config = alembic_config(conn, folders)
            command.upgrade(config, "heads")
            command.revision(config, message=message, autogenerate=True, **_where(feature))
        engine.dispose()


def _where(feature: Path | None) -> dict[str, object]:
    """Where the revision goes: after the shared history's head, or after the feature's own."""
    if feature is None:
        (trunk,) = (h for h in heads() if h.isdigit())
        return {"rev_id": f"{int(trunk) + 1:04d}", "head": trunk}
    name, made = feature.resolve().name, sorted((feature / "migrations").glob("*.py"))
    number = f"{name}_{len(made) + 1:04d}"
    if not made:  # a new branch, after the shared history: its tables may point at the shared ones
        (trunk,) = (h for h in heads() if h.isdigit())
        return {"rev_id": number, "head": "base", "branch_label": name, "version_path": str(feature / "migrations"),
                "depends_on": trunk}  # fmt: skip
    return {"rev_id": number, "head": f"{name}@head"}


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    main(sys.argv[1], Path(sys.argv[2]) if len(sys.argv) == 3 else None)
