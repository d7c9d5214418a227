"""Tables of the credit service (its own metadata; nobody else reads them)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Index,
    Numeric,
    String,
    Text,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.bus.tables import define_bus_tables
from shared.catalogue.readmodel import CatalogueReadModel
from shared.db import new_metadata


class Base(DeclarativeBase):
    metadata = new_metadata()


bus_tables = define_bus_tables(Base.metadata)
# The coordination service's catalogue versions, as received (who may do what, as of a date).
catalogue = CatalogueReadModel(Base.metadata)


class Subject(Base):
    """A market participant, with its current grade and risk (kept here so searches and draws are cheap)."""

    __tablename__ = "subjects"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    subject_type: Mapped[str] = mapped_column(String(32))
    legal_rep_name: Mapped[str] = mapped_column(String(100))
    legal_rep_id: Mapped[str] = mapped_column(String(18))
    registered_address: Mapped[str] = mapped_column(String(300))
    district: Mapped[str] = mapped_column(String(64), index=True)
    industry_code: Mapped[str] = mapped_column(String(8), index=True)
    industry_risk: Mapped[str] = mapped_column(String(8))
    registered_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    status_on: Mapped[date | None] = mapped_column(Date)
    grade: Mapped[str | None] = mapped_column(String(1), index=True)
    grade_score: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    grade_version: Mapped[str | None] = mapped_column(String(32))
    graded_on: Mapped[date | None] = mapped_column(Date)
    risk_score: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    risk_level: Mapped[str | None] = mapped_column(String(8))
    # True while the score is at or above the alert threshold: one alert per crossing.
    risk_alerted: Mapped[bool] = mapped_column(Boolean, default=False)
    risk_version: Mapped[str | None] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CreditRecord(Base):
    __tablename__ = "credit_records"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    department: Mapped[str] = mapped_column(String(32))
    matter_code: Mapped[str | None] = mapped_column(String(64))
    legal_basis: Mapped[str | None] = mapped_column(Text)
    decision_date: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[str | None] = mapped_column(String(16))
    outcome: Mapped[str | None] = mapped_column(String(20))
    penalty_kind: Mapped[str | None] = mapped_column(String(32))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    restriction_end: Mapped[date | None] = mapped_column(Date)
    publicity_start: Mapped[date | None] = mapped_column(Date)
    publicity_end: Mapped[date | None] = mapped_column(Date)
    publicity_rule_version: Mapped[str | None] = mapped_column(String(40))
    # active | revoked (source decision revoked, or objection upheld) | repaired (publicity ended early)
    status: Mapped[str] = mapped_column(String(16), default="active")
    status_on: Mapped[date | None] = mapped_column(Date)
    under_objection: Mapped[bool] = mapped_column(Boolean, default=False)
    source_ref: Mapped[str | None] = mapped_column(String(120), index=True)
    # An entrusted team's record is in the entrustor's name (`department`); the team that acted is kept here.
    acting_body: Mapped[str | None] = mapped_column(String(32))
    # The catalogue version the filer's authority was checked against (None: learnt from an event).
    catalogue_version: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ListEntry(Base):
    __tablename__ = "list_entries"
    __table_args__ = (
        Index("ix_list_entries_kind_open", "list_kind", "exited_on", "entered_on"),
        Index("ix_list_entries_uscc_kind", "uscc", "list_kind"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18))
    list_kind: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str] = mapped_column(String(64))
    reason_text: Mapped[str] = mapped_column(Text)
    basis: Mapped[str] = mapped_column(Text)
    department: Mapped[str] = mapped_column(String(32))
    entered_on: Mapped[date] = mapped_column(Date)
    exited_on: Mapped[date | None] = mapped_column(Date)
    exit_reason: Mapped[str | None] = mapped_column(Text)
    source_ref: Mapped[str | None] = mapped_column(String(120))
    # Abnormal entries: the serious-dishonesty entry they escalated to after 3 years uncorrected.
    escalated_to: Mapped[str | None] = mapped_column(String(36))
    # The catalogue version the entering department's authority was checked against (None: the sweep).
    catalogue_version: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DecisionRevocation(Base):
    """A casework decision revoked or changed, kept so that a revocation that overtakes its decision on
    the bus (a retry, a relay hiccup) is applied when the decision arrives."""

    __tablename__ = "decision_revocations"

    decision_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    decision_number: Mapped[str] = mapped_column(String(120), index=True)
    department: Mapped[str] = mapped_column(String(32))
    uscc: Mapped[str] = mapped_column(String(18))
    kind: Mapped[str] = mapped_column(String(16))  # revoked | changed
    revoked_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Commitment(Base):
    """A licence granted by notification and commitment, and the verification of the promise."""

    __tablename__ = "commitments"
    __table_args__ = (Index("ix_commitments_status_due", "status", "rectification_due"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    department: Mapped[str] = mapped_column(String(32))
    matter_code: Mapped[str] = mapped_column(String(64))
    field: Mapped[str] = mapped_column(String(40))
    licence_number: Mapped[str] = mapped_column(String(80))
    promise: Mapped[str] = mapped_column(Text)
    granted_on: Mapped[date] = mapped_column(Date)
    verification_due: Mapped[date] = mapped_column(Date)
    schedule_version: Mapped[str] = mapped_column(String(40))
    # pending_verification | kept | rectifying | rectified | revoked
    status: Mapped[str] = mapped_column(String(24))
    found_broken_on: Mapped[date | None] = mapped_column(Date)
    rectification_due: Mapped[date | None] = mapped_column(Date)
    rectified_on: Mapped[date | None] = mapped_column(Date)
    revoked_on: Mapped[date | None] = mapped_column(Date)
    licence_record_id: Mapped[str] = mapped_column(String(36))
    outcome_record_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RepairApplication(Base):
    __tablename__ = "repair_applications"
    __table_args__ = (Index("ix_repair_applications_status_due", "status", "decision_due"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    record_id: Mapped[str] = mapped_column(String(36))
    department: Mapped[str] = mapped_column(String(32))  # the record's department, who decides
    applicant_kind: Mapped[str] = mapped_column(String(16))  # public | department
    applicant_name: Mapped[str] = mapped_column(String(100))
    applicant_contact: Mapped[str] = mapped_column(String(120))
    filed_by_department: Mapped[str | None] = mapped_column(String(32))
    obligations_performed: Mapped[bool] = mapped_column(Boolean)
    harm_removed: Mapped[bool] = mapped_column(Boolean)
    # Whose rules end the publicity early: Credit China's (credit sites) or the national system's.
    platform: Mapped[str] = mapped_column(String(48), default="national_enterprise_credit_publicity",
                                          server_default="national_enterprise_credit_publicity")
    statement: Mapped[str] = mapped_column(Text, default="")
    received_on: Mapped[date] = mapped_column(Date)
    decision_due: Mapped[date] = mapped_column(Date)
    decision_due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    eligibility: Mapped[list] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))  # pending | approved | rejected
    decided_on: Mapped[date | None] = mapped_column(Date)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    removal_due: Mapped[date | None] = mapped_column(Date)
    removal_due_provisional: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Objection(Base):
    __tablename__ = "objections"
    __table_args__ = (Index("ix_objections_status_due", "status", "decide_due"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    record_id: Mapped[str] = mapped_column(String(36))
    department: Mapped[str] = mapped_column(String(32))
    applicant_name: Mapped[str] = mapped_column(String(100))
    applicant_contact: Mapped[str] = mapped_column(String(120))
    grounds: Mapped[str] = mapped_column(Text)
    received_on: Mapped[date] = mapped_column(Date)
    flag_due: Mapped[date] = mapped_column(Date)
    decide_due: Mapped[date] = mapped_column(Date)
    deadlines_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16))  # received | flagged | upheld | rejected
    flagged_on: Mapped[date | None] = mapped_column(Date)
    decided_on: Mapped[date | None] = mapped_column(Date)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
