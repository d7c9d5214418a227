"""removal deadline provisional flag

Revision ID: db3b76315997
Revises: 58c3e051b9d4
Create Date: 2026-11-27 01:58:30.871243

An approved repair's removal deadline says whether it was counted with a year whose holiday
schedule was not loaded. Existing rows start as settled (false).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'db3b76315997'
down_revision = '58c3e051b9d4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # sa.false(): FALSE on PostgreSQL, 0 on SQLite (an integer default is refused for a boolean).
    with op.batch_alter_table('repair_applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removal_due_provisional', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('repair_applications', schema=None) as batch_op:
        batch_op.drop_column('removal_due_provisional')
