"""a changed decision and the new version that replaces it name each other

Revision ID: d7e1a9c3f5b2
Revises: c4d8e2a6b1f3
Create Date: 2026-12-01 10:50:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'd7e1a9c3f5b2'
down_revision = 'c4d8e2a6b1f3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('replaces_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('replaced_by_id', sa.String(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_column('replaced_by_id')
        batch_op.drop_column('replaces_id')
