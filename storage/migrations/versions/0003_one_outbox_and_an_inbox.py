"""one outbox (kind, payload, due_at, dedupe_key, failed_at) and an inbox; the recap's
guard rows and the seen-deliveries table become keys in those

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""


from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

UTC = sa.DateTime(timezone=True)


def _at(value: Any) -> datetime | None:
    """SQLite hands raw queries' datetimes back as text."""
    if value is None or isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def upgrade() -> None:
    conn = op.get_bind()
    old = conn.execute(sa.text(
        "SELECT id, kind, news_id, event_id, entry_id, attempts, created_at, claimed_until, delivered_at, last_error "
        "FROM outbox")).mappings().all()
    weeks = conn.execute(sa.text("SELECT week, claimed_at, posted_at FROM recap_runs WHERE status = 'posted'")).mappings().all()
    op.drop_table("outbox")
    op.drop_table("recap_runs")
    op.drop_table("seen_deliveries")
    outbox = op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("due_at", UTC, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("claimed_until", UTC, nullable=True),
        sa.Column("delivered_at", UTC, nullable=True),
        sa.Column("failed_at", UTC, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedupe_key"),
    )
    op.create_index("ix_outbox_due_at", "outbox", ["due_at"])
    op.create_index("ix_outbox_delivered_at", "outbox", ["delivered_at"])
    op.create_table(
        "inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("received_at", UTC, nullable=False),
        sa.Column("claimed_until", UTC, nullable=True),
        sa.Column("processed_at", UTC, nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index("ix_inbox_processed_at", "inbox", ["processed_at"])
    rows = []
    for r in old:  # what was still owed (or already sent) keeps its place, keyed by its old id
        payload = {k: r[k] for k in ("news_id", "event_id", "entry_id") if r[k] is not None}
        rows.append({"kind": r["kind"], "payload": payload, "dedupe_key": f"legacy:{r['id']}", "due_at": _at(r["created_at"]),
                     "attempts": r["attempts"], "created_at": _at(r["created_at"]), "claimed_until": None,
                     "delivered_at": _at(r["delivered_at"]), "failed_at": None, "last_error": r["last_error"] or ""})
    for w in weeks:  # recaps already posted stay posted
        rows.append({"kind": "recap.post", "payload": {"week": w["week"]}, "dedupe_key": f"recap:{w['week']}",
                     "due_at": _at(w["claimed_at"]), "attempts": 1, "created_at": _at(w["claimed_at"]),
                     "claimed_until": None, "delivered_at": _at(w["posted_at"] or w["claimed_at"]), "failed_at": None, "last_error": ""})
    if rows:
        op.bulk_insert(outbox, rows)


def downgrade() -> None:
    raise NotImplementedError("0003 folds three tables into two; restore a backup to go back")


