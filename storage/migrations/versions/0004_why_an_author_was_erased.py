"""why a moderation entry's author was erased: the retention period, or a request

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("moderation_entries") as batch:
        batch.add_column(sa.Column("anonymized_why", sa.String(length=10), nullable=True))
    op.execute("UPDATE moderation_entries SET anonymized_why = 'retention' WHERE anonymized_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("moderation_entries") as batch:
        batch.drop_column("anonymized_why")
