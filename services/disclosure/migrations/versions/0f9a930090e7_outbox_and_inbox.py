"""outbox and inbox

Revision ID: 0f9a930090e7
Revises: 
Create Date: 2026-11-26 23:16:58.262232
"""
from __future__ import annotations

from shared.bus.migration_ops import create_outbox_and_inbox, drop_outbox_and_inbox

revision = '0f9a930090e7'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_outbox_and_inbox()


def downgrade() -> None:
    drop_outbox_and_inbox()
