"""Messages hidden from Relais (an undo is another turn of the same row), and why a source was refused, to say it in the reader's language

Revision ID: watch_0005
Revises: watch_0004
Create Date: 2026-12-07 12:38:55.184119
"""

import sqlalchemy as sa
from alembic import op

from storage.engine import UTCDateTime

revision = "watch_0005"
down_revision = "watch_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "watch_hides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("turn", sa.Integer(), nullable=False),
        sa.Column("hidden_by", sa.String(length=64), nullable=False),
        sa.Column("hidden_at", UTCDateTime(), nullable=False),
        sa.Column("undone_by", sa.String(length=64), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("said", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["watch_items.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("item_id"),
    )
    with op.batch_alter_table("watch_sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("why", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("said", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("limited", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:

    with op.batch_alter_table("watch_sources", schema=None) as batch_op:
        batch_op.drop_column("limited")
        batch_op.drop_column("said")
        batch_op.drop_column("why")

    op.drop_table("watch_hides")
