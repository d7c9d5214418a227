"""outbox and inbox

Revision ID: fa2252938eeb
Revises: 
Create Date: 2026-11-26 23:16:56.392184
"""
from __future__ import annotations

from shared.bus.migration_ops import create_outbox_and_inbox, drop_outbox_and_inbox

revision = 'fa2252938eeb'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_outbox_and_inbox()


def downgrade() -> None:
    drop_outbox_and_inbox()
