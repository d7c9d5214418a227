"""Alembic operations for the catalogue read model, so every service's migration creates the same
table (`shared.catalogue.readmodel.define_catalogue_table` defines it for the models)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.catalogue.readmodel import TABLE


def create_catalogue_read_model() -> None:
    op.create_table(
        TABLE,
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sample", sa.Boolean(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f(f"pk_{TABLE}")),
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{TABLE}_effective_from"), ["effective_from"], unique=False)


def drop_catalogue_read_model() -> None:
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index(batch_op.f(f"ix_{TABLE}_effective_from"))
    op.drop_table(TABLE)
