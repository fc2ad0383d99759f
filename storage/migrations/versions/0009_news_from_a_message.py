"""News sent on from a message (a Slack message shortcut, a Mattermost permalink):
who wrote the message, and the link that opens it.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("news") as batch:
        batch.add_column(sa.Column("source_author", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("source_link", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("news") as batch:
        batch.drop_column("source_link")
        batch.drop_column("source_author")
