"""decision revocations kept for revocations that overtake their decision

Revision ID: 4d40ce174679
Revises: c786cc9eea51
Create Date: 2026-11-27 02:14:23.761666

A casework revocation handled before its decision (a retry or a relay hiccup reorders them) is
kept and applied when the decision arrives.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '4d40ce174679'
down_revision = 'c786cc9eea51'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'decision_revocations',
        sa.Column('decision_id', sa.String(length=36), nullable=False),
        sa.Column('decision_number', sa.String(length=120), nullable=False),
        sa.Column('department', sa.String(length=32), nullable=False),
        sa.Column('uscc', sa.String(length=18), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('revoked_on', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('decision_id', name=op.f('pk_decision_revocations')),
    )
    with op.batch_alter_table('decision_revocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_revocations_decision_number'), ['decision_number'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('decision_revocations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_revocations_decision_number'))
    op.drop_table('decision_revocations')
