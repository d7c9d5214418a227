"""the case keeps its latest legal review's status

Revision ID: a3c9e1f2b7d4
Revises: 39d334b3e07d
Create Date: 2026-12-01 10:40:00

The actions a case offers apply the review gate (a rejected review needs a new one) without a
query per case. Existing cases take the status of their latest review.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'a3c9e1f2b7d4'
down_revision = '39d334b3e07d'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_status', sa.String(length=16), nullable=True))
    op.execute(
        "UPDATE cases SET review_status = (SELECT r.status FROM legal_reviews r WHERE r.case_id = cases.id "
        "ORDER BY r.submitted_at DESC, r.id DESC LIMIT 1)"
    )


def downgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_column('review_status')
