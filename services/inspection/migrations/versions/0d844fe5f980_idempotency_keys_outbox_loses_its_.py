"""idempotency keys; outbox loses its redundant sent_at index

Revision ID: 0d844fe5f980
Revises: 7c41d9e2a5b3
Create Date: 2026-11-27 02:03:16.607243
"""
from __future__ import annotations

from shared.bus.migration_ops import create_idempotency_keys, drop_idempotency_keys

revision = '0d844fe5f980'
down_revision = '7c41d9e2a5b3'
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_idempotency_keys()


def downgrade() -> None:
    drop_idempotency_keys()
