"""outbox and inbox

Revision ID: 137878a10509
Revises:
Create Date: 2026-11-26 23:16:57.330214
"""

from __future__ import annotations

from shared.bus.migration_ops import create_outbox_and_inbox, drop_outbox_and_inbox

revision = "137878a10509"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_outbox_and_inbox()


def downgrade() -> None:
    drop_outbox_and_inbox()
