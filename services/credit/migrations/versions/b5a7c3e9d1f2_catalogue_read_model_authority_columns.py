"""catalogue read model; records keep the acting body and the catalogue version

Revision ID: b5a7c3e9d1f2
Revises: 4d40ce174679
Create Date: 2026-12-01 10:50:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.catalogue.migration_ops import create_catalogue_read_model, drop_catalogue_read_model

revision = 'b5a7c3e9d1f2'
down_revision = '4d40ce174679'
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_catalogue_read_model()
    with op.batch_alter_table('credit_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acting_body', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('catalogue_version', sa.String(length=64), nullable=True))
    with op.batch_alter_table('list_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('catalogue_version', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('list_entries', schema=None) as batch_op:
        batch_op.drop_column('catalogue_version')
    with op.batch_alter_table('credit_records', schema=None) as batch_op:
        batch_op.drop_column('catalogue_version')
        batch_op.drop_column('acting_body')
    drop_catalogue_read_model()
