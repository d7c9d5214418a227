"""event times of the object's profile, grade and risk

Revision ID: 34fd01963d5d
Revises: 0d844fe5f980
Create Date: 2026-11-27 02:15:06.635515

When credit emitted the profile, grade and risk an object holds, so that events reordered on the
bus never let an older one overwrite a newer one. Nullable: existing rows have no time, and the
next event of each kind sets it.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '34fd01963d5d'
down_revision = '0d844fe5f980'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('inspection_objects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('profile_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('grade_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('risk_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('inspection_objects', schema=None) as batch_op:
        batch_op.drop_column('risk_at')
        batch_op.drop_column('grade_at')
        batch_op.drop_column('profile_at')
