"""multi-party seed inputs of a plan; risk level in the frozen population

Revision ID: 5e1d2c3b4a69
Revises: 34fd01963d5d
Create Date: 2026-12-01 10:40:00

Each department's secret commitment, the public beacon named at commit, the commitment document and
the revealed secrets (rules/seed.py); nullable: a draft plan has none until it is committed. Each
frozen member's risk level and each stratum's, for the risk factor of the ratio (rules/ratios.py);
nullable: unrated objects, and populations frozen before, have none.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '5e1d2c3b4a69'
down_revision = '34fd01963d5d'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seed_inputs', sa.JSON(), nullable=True))
    with op.batch_alter_table('plan_population', schema=None) as batch_op:
        batch_op.add_column(sa.Column('risk_level', sa.String(length=20), nullable=True))
    with op.batch_alter_table('plan_population_strata', schema=None) as batch_op:
        batch_op.add_column(sa.Column('risk_level', sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('plan_population_strata', schema=None) as batch_op:
        batch_op.drop_column('risk_level')
    with op.batch_alter_table('plan_population', schema=None) as batch_op:
        batch_op.drop_column('risk_level')
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_column('seed_inputs')
