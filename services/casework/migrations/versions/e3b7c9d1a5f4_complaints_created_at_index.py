"""complaints are listed by receipt time: index created_at

Revision ID: e3b7c9d1a5f4
Revises: d7e1a9c3f5b2
Create Date: 2026-12-01 11:15:00

The public Open311 request list (GET requests) reads a window of at most 90 days of receipt
time, newest first.
"""
from __future__ import annotations

from alembic import op

revision = 'e3b7c9d1a5f4'
down_revision = 'd7e1a9c3f5b2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaints_created_at'), ['created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaints_created_at'))
