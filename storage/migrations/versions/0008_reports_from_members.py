"""Negative messages reported by members (`/cm report`): who reported each entry,
and each entry's link normalised, so the same link reported twice is one entry.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("moderation_entries") as batch:
        batch.add_column(sa.Column("link_key", sa.String(length=1000), nullable=True))
        batch.create_index("ix_moderation_entries_link_key", ["link_key"])
    op.create_table(
        "entry_reports",
        sa.Column("entry_id", sa.Integer(), sa.ForeignKey("moderation_entries.id"), primary_key=True),
        sa.Column("reporter_id", sa.String(length=64), primary_key=True),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("told_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_entry_reports_reporter_id", "entry_reports", ["reporter_id"])


def downgrade() -> None:
    op.drop_index("ix_entry_reports_reporter_id", table_name="entry_reports")
    op.drop_table("entry_reports")
    with op.batch_alter_table("moderation_entries") as batch:
        batch.drop_index("ix_moderation_entries_link_key")
        batch.drop_column("link_key")
