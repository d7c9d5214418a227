"""Tables of the casework service (its own metadata; nobody else reads them)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.bus.tables import define_bus_tables
from shared.catalogue.readmodel import CatalogueReadModel
from shared.db import BigIntPK, new_metadata

Money = Numeric(14, 2)


class Base(DeclarativeBase):
    metadata = new_metadata()


bus_tables = define_bus_tables(Base.metadata)
# The coordination service's catalogue versions, as received (who may act on which matter, as of a date).
catalogue = CatalogueReadModel(Base.metadata)


class Complaint(Base):
    """A complaint or tip-off (Open311 service request). The sender lives in complaint_senders."""

    __tablename__ = "complaints"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # complaint | tip_off
    service_code: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text)
    address_string: Mapped[str | None] = mapped_column(String(500))
    lat: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    long: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    media_url: Mapped[str | None] = mapped_column(String(2000))
    business_uscc: Mapped[str | None] = mapped_column(String(18))
    business_name: Mapped[str | None] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(16))  # public | hotline | department
    submitted_by: Mapped[str | None] = mapped_column(String(120))
    submitted_by_department: Mapped[str | None] = mapped_column(String(32), index=True)
    department: Mapped[str] = mapped_column(String(32), index=True)
    matter_code: Mapped[str] = mapped_column(String(32))
    routing_version: Mapped[str] = mapped_column(String(40))
    real_name: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(16), index=True)  # received | accepted | refused
    received_on: Mapped[date] = mapped_column(Date)
    acceptance_due: Mapped[date] = mapped_column(Date)
    acceptance_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    answered_on: Mapped[date | None] = mapped_column(Date)
    answer_reason: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(120))
    case_id: Mapped[str | None] = mapped_column(String(36), index=True)
    filing_outcome: Mapped[str | None] = mapped_column(String(16))  # filed | not_filed
    filing_decided_on: Mapped[date | None] = mapped_column(Date)
    notice_due: Mapped[date | None] = mapped_column(Date)
    notice_due_provisional: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    notified_on: Mapped[date | None] = mapped_column(Date)
    reward: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Indexed: the public Open311 request list reads a receipt-time window, newest first.
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class ComplaintSender(Base):
    """Who sent a complaint or tip-off: kept apart, shown only to the handling case officers."""

    __tablename__ = "complaint_senders"

    complaint_id: Mapped[str] = mapped_column(String(36), ForeignKey("complaints.id"), primary_key=True)
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        # One lead per source (an inspection result, an alert, a complaint, a transfer).
        Index("uq_cases_source", "source_kind", "source_ref", unique=True),
        Index("ix_cases_department_clock_due", "department", "clock_due"),
        Index("ix_cases_department_id", "department", "id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    department: Mapped[str] = mapped_column(String(32))
    matter_code: Mapped[str | None] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(32), index=True)
    source_kind: Mapped[str] = mapped_column(String(24))  # inspection_result | complaint | transfer | risk_alert | manual
    source_ref: Mapped[str | None] = mapped_column(String(64))
    uscc: Mapped[str | None] = mapped_column(String(18), index=True)
    party_name: Mapped[str] = mapped_column(String(200))
    party_kind: Mapped[str] = mapped_column(String(16))  # organisation | person
    violation_type: Mapped[str | None] = mapped_column(String(64))
    summary: Mapped[str] = mapped_column(Text)
    received_on: Mapped[date] = mapped_column(Date)
    filing_due: Mapped[date] = mapped_column(Date)
    filing_extended: Mapped[bool] = mapped_column(Boolean, default=False)
    filed_on: Mapped[date | None] = mapped_column(Date)
    not_filed_reason: Mapped[str | None] = mapped_column(Text)
    investigators: Mapped[list[str]] = mapped_column(JSON, default=list)
    declared_interests: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    suspected_crime: Mapped[bool] = mapped_column(Boolean, default=False)
    major_public_interest: Mapped[bool] = mapped_column(Boolean, default=False)
    complex_case: Mapped[bool] = mapped_column(Boolean, default=False)
    had_hearing: Mapped[bool] = mapped_column(Boolean, default=False)
    proposed_penalty: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    rights_notified_on: Mapped[date | None] = mapped_column(Date)
    hearing_right: Mapped[bool] = mapped_column(Boolean, default=False)
    hearing_request_due: Mapped[date | None] = mapped_column(Date)
    hearing_request_due_provisional: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    hearing_requested_on: Mapped[date | None] = mapped_column(Date)
    hearing_on: Mapped[date | None] = mapped_column(Date)
    hearing_notice_served_on: Mapped[date | None] = mapped_column(Date)
    # The latest legal review's status (pending / passed / rejected), kept with the case so the
    # actions a case answer offers already apply the review gate.
    review_status: Mapped[str | None] = mapped_column(String(16))
    head_extension: Mapped[bool] = mapped_column(Boolean, default=False)
    transferred_to: Mapped[str | None] = mapped_column(String(32))
    transfer_reason: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(40))
    closed_on: Mapped[date | None] = mapped_column(Date)
    # The clock that runs now (filing, decision, service, payment), its last day, and the last
    # status flagged on the bus for it ("<clock>|<due>|<status>") so each change is sent once.
    clock: Mapped[str | None] = mapped_column(String(16))
    clock_due: Mapped[date | None] = mapped_column(Date)
    clock_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    clock_flag: Mapped[str | None] = mapped_column(String(80))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CaseSuspension(Base):
    """A stretch of time that does not count towards the decision period."""

    __tablename__ = "case_suspensions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(36), ForeignKey("cases.id"), index=True)
    reason: Mapped[str] = mapped_column(String(40))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")


class CaseExtension(Base):
    """A collectively decided extension of the decision period (after the head's 30 days)."""

    __tablename__ = "case_extensions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(36), ForeignKey("cases.id"), index=True)
    decision_ref: Mapped[str] = mapped_column(String(120))
    days: Mapped[int] = mapped_column(Integer)
    decided_on: Mapped[date] = mapped_column(Date)


class Evidence(Base):
    __tablename__ = "case_evidence"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(36), ForeignKey("cases.id"), index=True)
    evidence_type: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    collected_on: Mapped[date] = mapped_column(Date)
    collected_by: Mapped[list[str]] = mapped_column(JSON, default=list)
    added_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LegalReview(Base):
    __tablename__ = "legal_reviews"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(36), ForeignKey("cases.id"), index=True)
    department: Mapped[str] = mapped_column(String(32), index=True)
    status: Mapped[str] = mapped_column(String(16))  # pending | passed | rejected
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    thresholds_version: Mapped[str] = mapped_column(String(40))
    submitted_by: Mapped[str] = mapped_column(String(120))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reviewer_id: Mapped[str | None] = mapped_column(String(120))
    opinion: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Decision(Base):
    __tablename__ = "decisions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[str] = mapped_column(String(36), ForeignKey("cases.id"), index=True)
    decision_number: Mapped[str] = mapped_column(String(80), unique=True)
    department: Mapped[str] = mapped_column(String(32), index=True)
    uscc: Mapped[str | None] = mapped_column(String(18), index=True)
    party_name: Mapped[str] = mapped_column(String(200))
    party_kind: Mapped[str] = mapped_column(String(16))
    violation_type: Mapped[str] = mapped_column(String(64))
    decision_kind: Mapped[str] = mapped_column(String(40))
    penalty_kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    fine_amount: Mapped[Decimal] = mapped_column(Money)
    confiscation_amount: Mapped[Decimal] = mapped_column(Money)
    severity: Mapped[str] = mapped_column(String(16))
    lifelong_ban: Mapped[bool] = mapped_column(Boolean, default=False)
    legal_basis: Mapped[str] = mapped_column(Text)
    matter_code: Mapped[str | None] = mapped_column(String(32))
    decided_on: Mapped[date] = mapped_column(Date)
    # Last day the decision was due (90 days from filing, extended, suspensions added).
    decision_due: Mapped[date | None] = mapped_column(Date)
    publishable: Mapped[bool] = mapped_column(Boolean)
    summary: Mapped[str] = mapped_column(Text)
    full_text: Mapped[str] = mapped_column(Text)
    discretion: Mapped[dict[str, Any]] = mapped_column(JSON)
    education_given: Mapped[str | None] = mapped_column(Text)
    service_due: Mapped[date] = mapped_column(Date)
    service_due_provisional: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    served_on: Mapped[date | None] = mapped_column(Date)
    payment_due: Mapped[date | None] = mapped_column(Date)
    paid_on: Mapped[date | None] = mapped_column(Date)
    paid_amount: Mapped[Decimal | None] = mapped_column(Money)
    late_fee: Mapped[Decimal | None] = mapped_column(Money)
    status: Mapped[str] = mapped_column(String(16))  # issued | revoked | changed
    revoked_on: Mapped[date | None] = mapped_column(Date)
    revoke_reason: Mapped[str | None] = mapped_column(Text)
    withdrawal_due: Mapped[date | None] = mapped_column(Date)
    withdrawal_due_provisional: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # A changed decision and its new version name each other (the old one is withdrawn, the new published).
    replaces_id: Mapped[str | None] = mapped_column(String(36))
    replaced_by_id: Mapped[str | None] = mapped_column(String(36))
    issued_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DecisionCounter(Base):
    """Last decision number a department gave in a year."""

    __tablename__ = "decision_counters"

    department: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer)


class CaseHistory(Base):
    """Whole-process record: one row per action on a case. Append-only (never updated)."""

    __tablename__ = "case_history"

    seq: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    case_id: Mapped[str] = mapped_column(String(36), ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_client_id: Mapped[str | None] = mapped_column(String(120))
    actor_department: Mapped[str | None] = mapped_column(String(32))
    actor_roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str | None] = mapped_column(String(32))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    attachment_hashes: Mapped[list[str]] = mapped_column(JSON, default=list)


class PriorPenalty(Base):
    """Read model for the first-offence check: penalty decisions per USCC, ours and others'."""

    __tablename__ = "prior_penalties"
    __table_args__ = (Index("uq_prior_penalties_ref", "uscc", "decision_ref", unique=True),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18))
    decision_ref: Mapped[str] = mapped_column(String(120))
    department: Mapped[str] = mapped_column(String(32))
    decided_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(16))  # own | credit
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
