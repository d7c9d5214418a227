"""Signing keys leave the database: the tree-head key moves to the key ring folder, the table goes

A key in a table travels with every dump and replica. The key already in use moves (unchanged,
so every head it signed stays verifiable) into the ring the service now reads:
DISCLOSURE_LOG_KEY_DIR, or <data>/keys/disclosure beside a SQLite database. If it cannot be
written there the migration fails and the table stays: nothing is lost.

Revision ID: e41f0c7a9b52
Revises: b7587ec1ebba
Create Date: 2026-12-01 10:40:00
"""
import os
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from alembic import op

from services.disclosure.log.service import default_key_dir, key_ring

revision = 'e41f0c7a9b52'
down_revision = 'b7587ec1ebba'
branch_labels = None
depends_on = None


def _ring():
    bind = op.get_bind()
    directory = os.environ.get("DISCLOSURE_LOG_KEY_DIR") or default_key_dir(bind.engine.url.render_as_string(False))
    return key_ring(Path(directory))


def upgrade() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT key_id, private_pem, public_pem, created_at FROM signing_keys")).all()
    if rows:
        ring = _ring()
        for kid, private_pem, public_pem, created_at in rows:
            stamp = created_at if isinstance(created_at, str) else created_at.isoformat()
            ring.adopt(kid, private_pem.encode(), public_pem, stamp)
    op.drop_table('signing_keys')


def downgrade() -> None:
    op.create_table('signing_keys',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('key_id', sa.String(length=16), nullable=False),
    sa.Column('private_pem', sa.Text(), nullable=False),
    sa.Column('public_pem', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_signing_keys'))
    )
    ring = _ring()
    if (ring.directory / ring.STATE).exists():
        key, private_pem = ring.active()
        op.get_bind().execute(sa.text(
            "INSERT INTO signing_keys (name, key_id, private_pem, public_pem, created_at) "
            "VALUES ('tree-head', :kid, :private, :public, :at)"),
            {"kid": key.kid, "private": private_pem.decode(), "public": key.public_pem, "at": datetime.now(UTC)})
