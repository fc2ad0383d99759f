"""Outbox kinds are named after the feature that delivers them (`news.post`, not
`queue_post`): rows owed before the upgrade keep their deliverer.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

RENAMED = {
    "queue_post": "news.post",
    "queue_update": "news.update",
    "status_dm": "news.status_dm",
    "queue_answer": "news.queue_answer",
    "delivered_dm": "news.delivered_dm",
    "moderation_post": "moderation.post",
    "moderation_update": "moderation.update",
    "reminders.news_call": "news.call",
    "reminders.digest": "news.digest",
    "reminders.digest_head": "news.digest_head",
    "reminders.card": "news.card",
    "reminders.answer": "news.answer_reminder",
    "reminders.answer_late": "news.answer_late",
    "reminders.moderation": "moderation.reminder",
    "reminders.entry": "moderation.reminder_entry",
}


def _rename(pairs: dict[str, str]) -> None:
    outbox = sa.table("outbox", sa.column("kind", sa.String))
    for old, new in pairs.items():
        op.execute(outbox.update().where(outbox.c.kind == old).values(kind=new))


def upgrade() -> None:
    _rename(RENAMED)


def downgrade() -> None:
    _rename({new: old for old, new in RENAMED.items()})
