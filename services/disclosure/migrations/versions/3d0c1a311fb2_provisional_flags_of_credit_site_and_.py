"""provisional flags of credit-site and withdrawal deadlines

Revision ID: 3d0c1a311fb2
Revises: d854a5d3791c
Create Date: 2026-11-27 01:58:59.858248

A publication's credit-site and withdrawal deadlines say whether they were counted with a year
whose holiday schedule was not loaded. Existing rows start as settled (false); a constant default
adds the column without rewriting the table on PostgreSQL.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '3d0c1a311fb2'
down_revision = 'd854a5d3791c'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # sa.false(): FALSE on PostgreSQL, 0 on SQLite (an integer default is refused for a boolean).
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credit_site_due_provisional', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('withdrawal_due_provisional', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.drop_column('withdrawal_due_provisional')
        batch_op.drop_column('credit_site_due_provisional')
