"""catalogue versions, outbox, inbox, idempotency keys

Revision ID: a1c0f2d3e4b5
Revises:
Create Date: 2026-12-01 10:40:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.bus.migration_ops import (
    create_idempotency_keys,
    create_outbox_and_inbox,
    drop_idempotency_keys,
    drop_outbox_and_inbox,
)

revision = 'a1c0f2d3e4b5'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_outbox_and_inbox()
    create_idempotency_keys()
    op.create_table(
        'catalogue_versions',
        sa.Column('version', sa.String(length=64), nullable=False),
        sa.Column('effective_from', sa.Date(), nullable=False),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('published_by', sa.String(length=120), nullable=False),
        sa.Column('sample', sa.Boolean(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('document', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('version', name=op.f('pk_catalogue_versions')),
    )
    with op.batch_alter_table('catalogue_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalogue_versions_effective_from'), ['effective_from'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('catalogue_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalogue_versions_effective_from'))
    op.drop_table('catalogue_versions')
    drop_idempotency_keys()
    drop_outbox_and_inbox()
