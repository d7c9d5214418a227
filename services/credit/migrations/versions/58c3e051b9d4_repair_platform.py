"""repair platform

Revision ID: 58c3e051b9d4
Revises: e434c939cb5b
Create Date: 2026-11-27 00:11:26.425959
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '58c3e051b9d4'
down_revision = 'e434c939cb5b'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('repair_applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('platform', sa.String(length=48), server_default='national_enterprise_credit_publicity', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('repair_applications', schema=None) as batch_op:
        batch_op.drop_column('platform')

