"""Where cards are posted is remembered one way: `posted_cards` (kind, item) holds
what `queue_messages` held for news and what two columns of `moderation_entries`
held for the moderation log.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "posted_cards",
        sa.Column("kind", sa.String(length=20), primary_key=True),
        sa.Column("item_id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
    )
    op.execute(
        "INSERT INTO posted_cards (kind, item_id, channel, message_id) "
        "SELECT 'news', news_id, channel, message_id FROM queue_messages"
    )
    op.execute(
        "INSERT INTO posted_cards (kind, item_id, channel, message_id) "
        "SELECT 'moderation', id, queue_channel, queue_message_id FROM moderation_entries "
        "WHERE queue_channel IS NOT NULL AND queue_message_id IS NOT NULL"
    )
    op.drop_table("queue_messages")
    with op.batch_alter_table("moderation_entries") as batch:
        batch.drop_column("queue_channel")
        batch.drop_column("queue_message_id")


def downgrade() -> None:
    with op.batch_alter_table("moderation_entries") as batch:
        batch.add_column(sa.Column("queue_channel", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("queue_message_id", sa.String(length=64), nullable=True))
    op.create_table(
        "queue_messages",
        sa.Column("news_id", sa.Integer(), sa.ForeignKey("news.id"), primary_key=True),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
    )
    op.execute(
        "INSERT INTO queue_messages (news_id, channel, message_id) "
        "SELECT item_id, channel, message_id FROM posted_cards WHERE kind = 'news'"
    )
    op.execute(
        "UPDATE moderation_entries SET queue_channel = (SELECT channel FROM posted_cards p WHERE p.kind = "
        "'moderation' AND p.item_id = moderation_entries.id), queue_message_id = (SELECT message_id FROM "
        "posted_cards p WHERE p.kind = 'moderation' AND p.item_id = moderation_entries.id)"
    )
    op.drop_table("posted_cards")
