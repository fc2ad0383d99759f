"""Replies written in Relais (stored before they are sent), and what a reply answers on the network

Revision ID: watch_0004
Revises: watch_0003
Create Date: 2026-12-07 10:41:02.732071
"""

import sqlalchemy as sa
from alembic import op

from storage.engine import UTCDateTime

revision = "watch_0004"
down_revision = "watch_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "watch_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("written_by", sa.String(length=64), nullable=False),
        sa.Column("written_at", UTCDateTime(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("link", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("said", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["watch_items.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("watch_replies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_watch_replies_item_id"), ["item_id"], unique=False)

    with op.batch_alter_table("watch_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("post_id", sa.String(length=300), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("watch_items", schema=None) as batch_op:
        batch_op.drop_column("post_id")

    with op.batch_alter_table("watch_replies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_watch_replies_item_id"))

    op.drop_table("watch_replies")
