"""idempotency keys; outbox loses its redundant sent_at index

Revision ID: 00205e3799ae
Revises: 3d0c1a311fb2
Create Date: 2026-11-27 02:07:14.731935
"""
from __future__ import annotations

from shared.bus.migration_ops import create_idempotency_keys, drop_idempotency_keys

revision = '00205e3799ae'
down_revision = '3d0c1a311fb2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_idempotency_keys()


def downgrade() -> None:
    drop_idempotency_keys()
