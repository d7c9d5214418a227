"""The outbox, inbox and idempotency-key tables every service carries in its own database."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
)

from shared.db import BigIntPK
from shared.idempotency import define_idempotency_table


@dataclass(frozen=True)
class BusTables:
    outbox: Table
    inbox: Table
    idempotency: Table


def define_bus_tables(metadata: MetaData) -> BusTables:
    outbox = Table(
        "outbox",
        metadata,
        Column("seq", BigIntPK, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("event_type", String(120), nullable=False),
        Column("version", Integer, nullable=False, default=1),
        Column("source", String(120), nullable=False),
        Column("subject", String(200)),
        Column("occurred_at", DateTime(timezone=True), nullable=False),
        Column("data", Text, nullable=False),
        Column("traceparent", String(64)),
        Column("sent_at", DateTime(timezone=True)),  # ix_outbox_unsent (sent_at, seq) serves every query
        Column("attempts", Integer, nullable=False, default=0),
        Column("last_error", Text),
    )
    Index("ix_outbox_unsent", outbox.c.sent_at, outbox.c.seq)
    inbox = Table(
        "inbox",
        metadata,
        Column("consumer", String(120), nullable=False),
        Column("event_id", String(36), nullable=False),
        Column("event_type", String(120), nullable=False),
        Column("processed_at", DateTime(timezone=True), nullable=False),
        PrimaryKeyConstraint("consumer", "event_id"),
    )
    return BusTables(outbox=outbox, inbox=inbox, idempotency=define_idempotency_table(metadata))
