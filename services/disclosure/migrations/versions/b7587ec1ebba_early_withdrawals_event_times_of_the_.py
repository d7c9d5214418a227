"""early withdrawals; event times of the subject's profile and grade

Revision ID: b7587ec1ebba
Revises: 00205e3799ae
Create Date: 2026-11-27 02:17:20.010149

A withdrawal handled before the record it withdraws was published is kept and applied when the
record arrives. Subjects keep when credit emitted their profile and grade, so that an older event
delivered late never overwrites a newer one (nullable: existing rows have no time yet).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'b7587ec1ebba'
down_revision = '00205e3799ae'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'early_withdrawals',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('ref_a', sa.String(length=200), nullable=False),
        sa.Column('ref_b', sa.String(length=200), nullable=True),
        sa.Column('uscc', sa.String(length=18), nullable=True),
        sa.Column('record_types', sa.JSON(none_as_null=True), nullable=True),
        sa.Column('reason', sa.String(length=40), nullable=False),
        sa.Column('requested_on', sa.Date(), nullable=False),
        sa.Column('due_by', sa.Date(), nullable=True),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('applied_to', sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_early_withdrawals')),
    )
    with op.batch_alter_table('early_withdrawals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_early_withdrawals_ref_a'), ['ref_a'], unique=False)
        batch_op.create_index(batch_op.f('ix_early_withdrawals_ref_b'), ['ref_b'], unique=False)

    with op.batch_alter_table('subjects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('profile_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('grade_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('subjects', schema=None) as batch_op:
        batch_op.drop_column('grade_at')
        batch_op.drop_column('profile_at')
    with op.batch_alter_table('early_withdrawals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_early_withdrawals_ref_b'))
        batch_op.drop_index(batch_op.f('ix_early_withdrawals_ref_a'))
    op.drop_table('early_withdrawals')
