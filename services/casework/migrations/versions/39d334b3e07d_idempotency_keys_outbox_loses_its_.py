"""idempotency keys; outbox loses its redundant sent_at index

Revision ID: 39d334b3e07d
Revises: f00f3b8bee11
Create Date: 2026-11-27 02:07:08.203370
"""
from __future__ import annotations

from shared.bus.migration_ops import create_idempotency_keys, drop_idempotency_keys

revision = '39d334b3e07d'
down_revision = 'f00f3b8bee11'
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_idempotency_keys()


def downgrade() -> None:
    drop_idempotency_keys()
