"""idempotency keys; outbox loses its redundant sent_at index

Revision ID: c786cc9eea51
Revises: db3b76315997
Create Date: 2026-11-27 02:07:11.248934
"""
from __future__ import annotations

from shared.bus.migration_ops import create_idempotency_keys, drop_idempotency_keys

revision = 'c786cc9eea51'
down_revision = 'db3b76315997'
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_idempotency_keys()


def downgrade() -> None:
    drop_idempotency_keys()
