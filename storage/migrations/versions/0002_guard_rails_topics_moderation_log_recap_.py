"""guard-rails: topics, moderation log, recap runs

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('moderation_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network', sa.String(length=20), nullable=False),
    sa.Column('link', sa.Text(), nullable=True),
    sa.Column('author', sa.String(length=200), nullable=True),
    sa.Column('excerpt', sa.Text(), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('handling', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('logged_by', sa.String(length=64), nullable=False),
    sa.Column('handled_by', sa.String(length=64), nullable=True),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('anonymized_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('queue_channel', sa.String(length=64), nullable=True),
    sa.Column('queue_message_id', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('moderation_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderation_entries_handling'), ['handling'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_entries_network'), ['network'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderation_entries_seen_at'), ['seen_at'], unique=False)

    op.create_table('recap_runs',
    sa.Column('week', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('week')
    )
    op.create_table('topics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('keywords', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('entry_topics',
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('topic', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['moderation_entries.id'], ),
    sa.PrimaryKeyConstraint('entry_id', 'topic')
    )
    with op.batch_alter_table('entry_topics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_entry_topics_topic'), ['topic'], unique=False)

    op.create_table('moderation_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('handling', sa.String(length=20), nullable=False),
    sa.Column('actor_id', sa.String(length=64), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['moderation_entries.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('moderation_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderation_events_entry_id'), ['entry_id'], unique=False)

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('entry_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_outbox_entry_id', 'moderation_entries', ['entry_id'], ['id'])




def downgrade() -> None:

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_constraint('fk_outbox_entry_id', type_='foreignkey')
        batch_op.drop_column('entry_id')

    with op.batch_alter_table('moderation_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderation_events_entry_id'))

    op.drop_table('moderation_events')
    with op.batch_alter_table('entry_topics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_entry_topics_topic'))

    op.drop_table('entry_topics')
    op.drop_table('topics')
    op.drop_table('recap_runs')
    with op.batch_alter_table('moderation_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderation_entries_seen_at'))
        batch_op.drop_index(batch_op.f('ix_moderation_entries_network'))
        batch_op.drop_index(batch_op.f('ix_moderation_entries_handling'))

    op.drop_table('moderation_entries')

