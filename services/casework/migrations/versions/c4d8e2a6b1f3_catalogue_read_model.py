"""catalogue read model

Revision ID: c4d8e2a6b1f3
Revises: a3c9e1f2b7d4
Create Date: 2026-12-01 11:00:00
"""
from __future__ import annotations

from shared.catalogue.migration_ops import create_catalogue_read_model, drop_catalogue_read_model

revision = 'c4d8e2a6b1f3'
down_revision = 'a3c9e1f2b7d4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_catalogue_read_model()


def downgrade() -> None:
    drop_catalogue_read_model()
