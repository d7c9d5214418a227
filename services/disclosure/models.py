"""Tables of the disclosure service (its own metadata; nobody else reads them)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.bus.tables import define_bus_tables
from shared.db import new_metadata


class Base(DeclarativeBase):
    metadata = new_metadata()


bus_tables = define_bus_tables(Base.metadata)


class Publication(Base):
    """One published record: its redacted public content, its window, its deadlines, its fate.

    Only redacted content is ever stored here. A withdrawn or expired record keeps its row (the
    deadline bookkeeping and the log refer to it) but is never served again.
    """

    __tablename__ = "publications"
    __table_args__ = (
        UniqueConstraint("record_type", "source_key", name="uq_publications_source"),
        Index("ix_publications_uscc_id", "uscc", "id"),
        Index("ix_publications_authority_id", "authority", "id"),
        Index("ix_publications_type_id", "record_type", "id"),
        Index("ix_publications_district_id", "district", "id"),
        Index("ix_publications_industry_id", "industry_code", "id"),
        Index("ix_publications_decided_on", "decided_on"),
        Index("ix_publications_type_published_on", "record_type", "published_on"),
        Index("ix_publications_status_window", "status", "window_end"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    record_type: Mapped[str] = mapped_column(String(32))
    source_key: Mapped[str] = mapped_column(String(120))  # the upstream entity id (decision, result, ...)
    source_ref: Mapped[str | None] = mapped_column(String(200), index=True)  # e.g. the decision number
    uscc: Mapped[str | None] = mapped_column(String(18))  # None for natural persons without a USCC
    subject_name: Mapped[str | None] = mapped_column(String(300))  # already redacted
    party_type: Mapped[str] = mapped_column(String(20))
    district: Mapped[str | None] = mapped_column(String(12))
    industry_code: Mapped[str | None] = mapped_column(String(12))
    authority: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(400))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    record_hash: Mapped[str] = mapped_column(String(64))
    redactions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    decided_on: Mapped[date] = mapped_column(Date)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_on: Mapped[date] = mapped_column(Date)
    window_start: Mapped[date] = mapped_column(Date)
    window_end: Mapped[date | None] = mapped_column(Date)
    window_rule_version: Mapped[str] = mapped_column(String(60))
    due_on: Mapped[date] = mapped_column(Date)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    due_rule_version: Mapped[str] = mapped_column(String(60))
    credit_site_due_on: Mapped[date | None] = mapped_column(Date)
    credit_site_due_provisional: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    published_late: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="public")  # public | withdrawn | expired
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_on: Mapped[date | None] = mapped_column(Date)
    withdrawal_reason: Mapped[str | None] = mapped_column(String(40))
    withdrawal_requested_on: Mapped[date | None] = mapped_column(Date)
    withdrawal_due_on: Mapped[date | None] = mapped_column(Date)
    withdrawal_due_provisional: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    withdrawn_late: Mapped[bool | None] = mapped_column(Boolean)
    publish_log_index: Mapped[int] = mapped_column(BigInteger)
    withdraw_log_index: Mapped[int | None] = mapped_column(BigInteger)


class LogLeaf(Base):
    """One entry of the append-only Merkle log (RFC 6962). Never updated, never deleted."""

    __tablename__ = "log_leaves"
    __table_args__ = (
        Index("ix_log_leaves_uscc_seq", "uscc", "seq"),
        Index("ix_log_leaves_authority_seq", "authority", "seq"),
    )

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)  # leaf index
    action: Mapped[str] = mapped_column(String(10))  # publish | withdraw
    publication_id: Mapped[str] = mapped_column(String(36), index=True)
    record_type: Mapped[str] = mapped_column(String(32))
    uscc: Mapped[str | None] = mapped_column(String(18))
    authority: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(String(40))
    entry: Mapped[str] = mapped_column(Text)  # canonical JSON of {seq, action, record_id, record_hash, at}
    leaf_hash: Mapped[str] = mapped_column(String(64))
    appended_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LogState(Base):
    """The single row that serialises appends: size, compact Merkle frontier, latest signed head."""

    __tablename__ = "log_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    tree_size: Mapped[int] = mapped_column(BigInteger, default=0)
    frontier: Mapped[list[list[Any]]] = mapped_column(JSON, default=list)  # [[height, hex], ...]
    root_hash: Mapped[str | None] = mapped_column(String(64))
    signed_at: Mapped[str | None] = mapped_column(String(40))  # canonical UTC timestamp that was signed
    signature: Mapped[str | None] = mapped_column(String(128))
    key_id: Mapped[str | None] = mapped_column(String(16))


class Subject(Base):
    """Local read model of market participants, from credit events (for district, industry, grade)."""

    __tablename__ = "subjects"

    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(300))
    subject_type: Mapped[str | None] = mapped_column(String(40))
    district: Mapped[str | None] = mapped_column(String(12))
    industry_code: Mapped[str | None] = mapped_column(String(12))
    grade: Mapped[str | None] = mapped_column(String(4))
    grade_as_of: Mapped[date | None] = mapped_column(Date)
    grade_rule_set_version: Mapped[str | None] = mapped_column(String(60))
    # When credit emitted the profile and the grade held here: an older event delivered late (a
    # retry reorders them) never overwrites a newer one.
    profile_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    grade_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class EarlyWithdrawal(Base):
    """A withdrawal (revocation, repair, list exit, upheld objection) handled before the record it
    withdraws was ever published: events of different consumers, or a retry, overtake one another.
    The record is withdrawn as soon as it is published, as if the two had come in order."""

    __tablename__ = "early_withdrawals"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    ref_a: Mapped[str] = mapped_column(String(200), index=True)  # upstream ids or references, as in the event
    ref_b: Mapped[str | None] = mapped_column(String(200), index=True)
    uscc: Mapped[str | None] = mapped_column(String(18))
    record_types: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True))  # None: any type
    reason: Mapped[str] = mapped_column(String(40))
    requested_on: Mapped[date] = mapped_column(Date)
    due_by: Mapped[date | None] = mapped_column(Date)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    applied_to: Mapped[str | None] = mapped_column(String(36))  # the publication it withdrew


class EfficiencyFact(Base):
    """One timed duty done by a department (published, withdrawn, closed, answered): on time or not."""

    __tablename__ = "efficiency_facts"
    __table_args__ = (
        UniqueConstraint("metric", "ref", name="uq_efficiency_facts_metric_ref"),
        Index("ix_efficiency_facts_month_department", "month", "department"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    metric: Mapped[str] = mapped_column(String(40))
    ref: Mapped[str] = mapped_column(String(120))
    department: Mapped[str] = mapped_column(String(40))
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM of the day the duty was done
    due_on: Mapped[date | None] = mapped_column(Date)
    done_on: Mapped[date] = mapped_column(Date)
    on_time: Mapped[bool] = mapped_column(Boolean)
