"""catalogue read model

Revision ID: d9f1b3c5e7a2
Revises: 5e1d2c3b4a69
Create Date: 2026-12-01 11:05:00
"""
from __future__ import annotations

from shared.catalogue.migration_ops import create_catalogue_read_model, drop_catalogue_read_model

revision = 'd9f1b3c5e7a2'
down_revision = '5e1d2c3b4a69'
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_catalogue_read_model()


def downgrade() -> None:
    drop_catalogue_read_model()
