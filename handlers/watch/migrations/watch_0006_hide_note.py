"""The CM's note on a hide kept apart from the charter's rule, so the recap counts by rule

Revision ID: watch_0006
Revises: watch_0005
Create Date: 2026-12-07 09:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "watch_0006"
down_revision = "watch_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("watch_hides", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("watch_hides", schema=None) as batch_op:
        batch_op.drop_column("note")
