"""provisional flags of working-day deadlines

Revision ID: f00f3b8bee11
Revises: 5090ee407b36
Create Date: 2026-11-27 01:58:10.332854

The tip-off notice, hearing request, service and withdrawal deadlines say whether they were counted
with a year whose holiday schedule was not loaded. Existing rows start as settled (false).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'f00f3b8bee11'
down_revision = '5090ee407b36'
branch_labels = None
depends_on = None

COLUMNS = (
    ('cases', 'hearing_request_due_provisional'),
    ('complaints', 'notice_due_provisional'),
    ('decisions', 'service_due_provisional'),
    ('decisions', 'withdrawal_due_provisional'),
)


def upgrade() -> None:
    for table, column in COLUMNS:
        # sa.false(): FALSE on PostgreSQL, 0 on SQLite (an integer default is refused for a boolean).
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(column, sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    for table, column in reversed(COLUMNS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column(column)
