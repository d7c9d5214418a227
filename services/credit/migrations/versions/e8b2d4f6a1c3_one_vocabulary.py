"""credit records speak the one vocabulary: inspection outcomes and confiscations in shared words

Revision ID: e8b2d4f6a1c3
Revises: b5a7c3e9d1f2
Create Date: 2026-12-01 11:00:00

Outcomes were stored in credit's own words ("corrected", "problems"); they are now the inspection
service's (shared.contracts.codes.InspectionOutcome), which need a wider column. A confiscation was
one kind; the law names two, and what was stored is taken as the confiscation of illegal gains.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = 'e8b2d4f6a1c3'
down_revision = 'b5a7c3e9d1f2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('credit_records', schema=None) as batch_op:
        batch_op.alter_column('outcome', existing_type=sa.String(length=16), type_=sa.String(length=20))
    op.execute("UPDATE credit_records SET outcome = 'corrected_on_spot' WHERE outcome = 'corrected'")
    op.execute("UPDATE credit_records SET outcome = 'problems_found' WHERE outcome = 'problems'")
    op.execute("UPDATE credit_records SET penalty_kind = 'confiscation_of_illegal_gains' "
               "WHERE penalty_kind = 'confiscation'")


def downgrade() -> None:
    op.execute("UPDATE credit_records SET penalty_kind = 'confiscation' "
               "WHERE penalty_kind IN ('confiscation_of_illegal_gains', 'confiscation_of_illegal_property')")
    op.execute("UPDATE credit_records SET outcome = 'problems' WHERE outcome = 'problems_found'")
    op.execute("UPDATE credit_records SET outcome = 'corrected' WHERE outcome = 'corrected_on_spot'")
    with op.batch_alter_table('credit_records', schema=None) as batch_op:
        batch_op.alter_column('outcome', existing_type=sa.String(length=20), type_=sa.String(length=16))
