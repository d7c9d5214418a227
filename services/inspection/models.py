"""Tables of the inspection service (its own metadata; nobody else reads them)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

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
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.bus.tables import define_bus_tables
from shared.catalogue.readmodel import CatalogueReadModel
from shared.db import new_metadata


class Base(DeclarativeBase):
    metadata = new_metadata()


bus_tables = define_bus_tables(Base.metadata)
# The coordination service's catalogue versions, as received (who may list items on which matter).
catalogue = CatalogueReadModel(Base.metadata)


class InspectionItem(Base):
    """One entry of a department's public inspection item list ("one list")."""

    __tablename__ = "inspection_items"
    __table_args__ = (UniqueConstraint("code", name="uq_inspection_items_code"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    department: Mapped[str] = mapped_column(String(40), index=True)
    code: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))
    legal_basis: Mapped[str] = mapped_column(String(500))
    method: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))  # general | key
    matter_code: Mapped[str | None] = mapped_column(String(60))
    subject_types: Mapped[list] = mapped_column(JSON, default=list)
    industries: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class InspectionObject(Base):
    """Local read model of a market participant, fed by credit's events (never credit's tables)."""

    __tablename__ = "inspection_objects"
    __table_args__ = (
        Index("ix_inspection_objects_scope", "status", "district", "industry_code"),
        # The draw asks which of its drawn objects were inspected before (rotation): this index
        # holds those objects only, so the question does not visit millions of rows.
        Index("ix_inspection_objects_inspected", "uscc", postgresql_where=text("last_inspector_ids IS NOT NULL"),
              sqlite_where=text("last_inspector_ids IS NOT NULL")),
    )

    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    subject_type: Mapped[str] = mapped_column(String(40))
    district: Mapped[str] = mapped_column(String(40))
    industry_code: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="active")
    grade: Mapped[str | None] = mapped_column(String(2))
    grade_as_of: Mapped[date | None] = mapped_column(Date)
    risk_level: Mapped[str | None] = mapped_column(String(20))
    risk_score: Mapped[Decimal | None] = mapped_column(Numeric(10, 4))
    red_list: Mapped[bool] = mapped_column(Boolean, default=False)
    abnormal_list: Mapped[bool] = mapped_column(Boolean, default=False)
    serious_dishonesty_list: Mapped[bool] = mapped_column(Boolean, default=False)
    # The inspectors of the latest inspection with a recorded result (rotation rule).
    last_inspector_ids: Mapped[list | None] = mapped_column(JSON(none_as_null=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # When credit emitted the profile, grade and risk held here: events reordered on the bus (retries)
    # never let an older one overwrite a newer one.
    profile_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    grade_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    risk_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ListMembership(Base):
    """A list entry of a subject as announced by credit; open while exited_on is null."""

    __tablename__ = "list_memberships"

    entry_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    list_kind: Mapped[str] = mapped_column(String(30))
    entered_on: Mapped[date] = mapped_column(Date)
    exited_on: Mapped[date | None] = mapped_column(Date)


class InspectorRecord(Base):
    """The inspector database. `interests` are personal declarations: never published."""

    __tablename__ = "inspectors"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    department: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(100))
    client_id: Mapped[str] = mapped_column(String(120), unique=True)
    qualifications: Mapped[list] = mapped_column(JSON, default=list)
    districts: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    interests: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Plan(Base):
    """A (possibly joint) random inspection plan and its commit-reveal state."""

    __tablename__ = "plans"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    lead_department: Mapped[str] = mapped_column(String(40), index=True)
    departments: Mapped[list] = mapped_column(JSON)  # lead first, then partners
    item_ids: Mapped[list] = mapped_column(JSON)
    item_codes: Mapped[list] = mapped_column(JSON)
    scope: Mapped[dict] = mapped_column(JSON)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    ratio_version: Mapped[str] = mapped_column(String(40))
    ratio_overrides: Mapped[dict] = mapped_column(JSON, default=dict)
    ratios: Mapped[dict] = mapped_column(JSON)  # effective per-grade ratios as strings
    full_coverage: Mapped[bool] = mapped_column(Boolean, default=False)
    publicity_check: Mapped[bool] = mapped_column(Boolean, default=False)
    required_qualifications: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft | committed | drawn
    # Secret until the draw: stored here, never returned before `drawn`.
    seed_hex: Mapped[str | None] = mapped_column(String(128))
    seed_commitment: Mapped[str | None] = mapped_column(String(64))
    # Multi-party seed (rules/seed.py): each department's secret commitment, the beacon named at
    # commit, the commitment document, and the secrets as revealed (kept from the public until drawn).
    seed_inputs: Mapped[dict | None] = mapped_column(JSON)
    population_root: Mapped[str | None] = mapped_column(String(64))
    population_count: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    committed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    drawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)


class PlanDepartment(Base):
    """Departments taking part in a plan (the lead and its partners), for listing plans per department."""

    __tablename__ = "plan_departments"

    plan_id: Mapped[str] = mapped_column(String(36), ForeignKey("plans.id"), primary_key=True)
    department: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class PopulationMember(Base):
    """The eligible population frozen at commit time (published with the draw)."""

    __tablename__ = "plan_population"

    plan_id: Mapped[str] = mapped_column(String(36), ForeignKey("plans.id"), primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), primary_key=True)
    grade: Mapped[str | None] = mapped_column(String(2))
    red_list: Mapped[bool] = mapped_column(Boolean, default=False)
    district: Mapped[str | None] = mapped_column(String(40))
    risk_level: Mapped[str | None] = mapped_column(String(20))


Index("ix_plan_population_uscc", PopulationMember.uscc)


class PopulationStratum(Base):
    """The frozen population as the draw reads it, written beside plan_population at commit time.

    One row per (grade, red list) stratum instead of one per subject: the members' USCCs in
    ascending order joined by newlines, and each member's district as a fixed-width hex index
    into ``districts`` (the assignment needs the districts of the drawn members only). A draw
    over 3,000,000 subjects reads about ten values instead of 3,000,000 rows.
    """

    __tablename__ = "plan_population_strata"

    plan_id: Mapped[str] = mapped_column(String(36), ForeignKey("plans.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(40), primary_key=True)  # "A", "A/red-list/risk-high", ..., "ungraded"
    grade: Mapped[str | None] = mapped_column(String(2))  # None: ungraded
    red_list: Mapped[bool] = mapped_column(Boolean)
    risk_level: Mapped[str | None] = mapped_column(String(20))  # None: unrated, or not a stratum key
    member_count: Mapped[int] = mapped_column(Integer)
    usccs: Mapped[str] = mapped_column(Text)
    districts: Mapped[list] = mapped_column(JSON)
    district_index: Mapped[str] = mapped_column(Text)


class Draw(Base):
    """The published draw record, less the population (kept in plan_population), plus private audit data."""

    __tablename__ = "draws"

    plan_id: Mapped[str] = mapped_column(String(36), ForeignKey("plans.id"), primary_key=True)
    record: Mapped[dict] = mapped_column(JSON)
    selected_count: Mapped[int] = mapped_column(Integer)
    unassigned: Mapped[dict] = mapped_column(JSON)  # uscc -> reason (exact reasons, department view)
    # Salt of the interests commitments and the declarations at draw time: for auditors only.
    interest_salt_hex: Mapped[str] = mapped_column(String(64))
    interests_snapshot: Mapped[dict] = mapped_column(JSON)
    drawn_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Task(Base):
    """One object to visit: drawn by a plan (random) or ordered directly (key), with its inspectors."""

    __tablename__ = "tasks"
    # A draw writes one row per drawn object (190,000 at 3,000,000 subjects): no index more than
    # needed. uq_tasks_plan_uscc also serves lookups by plan; drawn tasks have no alert, so the
    # alert index holds key tasks only.
    __table_args__ = (
        UniqueConstraint("plan_id", "uscc", name="uq_tasks_plan_uscc"),
        Index("uq_tasks_alert_id", "alert_id", unique=True, postgresql_where=text("alert_id IS NOT NULL"),
              sqlite_where=text("alert_id IS NOT NULL")),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # random | key
    plan_id: Mapped[str | None] = mapped_column(String(36))
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    departments: Mapped[list] = mapped_column(JSON)
    item_ids: Mapped[list] = mapped_column(JSON)
    inspector_ids: Mapped[list] = mapped_column(JSON, default=list)
    unassigned_reason: Mapped[str | None] = mapped_column(Text)
    stratum: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(Text)  # key inspections: why
    alert_id: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Result(Base):
    """The outcome of one item at one object, with evidence hashes and its publication deadline."""

    __tablename__ = "results"
    __table_args__ = (UniqueConstraint("task_id", "item_id", name="uq_results_task_item"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    task_id: Mapped[str] = mapped_column(String(36), ForeignKey("tasks.id"), index=True)
    plan_id: Mapped[str | None] = mapped_column(String(36), index=True)
    uscc: Mapped[str] = mapped_column(String(18), index=True)
    item_id: Mapped[str] = mapped_column(String(36))
    item_code: Mapped[str] = mapped_column(String(60))
    department: Mapped[str] = mapped_column(String(40), index=True)
    outcome: Mapped[str] = mapped_column(String(30))
    problems: Mapped[str] = mapped_column(Text, default="")
    inspected_on: Mapped[date] = mapped_column(Date)
    evidence: Mapped[list] = mapped_column(JSON, default=list)
    recorded_by: Mapped[str] = mapped_column(String(36))
    publication_due: Mapped[date] = mapped_column(Date, index=True)
    publication_due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    calendar_version: Mapped[str] = mapped_column(String(80))
    published_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class HistoryEntry(Base):
    """Every step, append-only. Plan-wide steps carry no uscc and reach each object of the population."""

    __tablename__ = "history"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    uscc: Mapped[str | None] = mapped_column(String(18), index=True)
    plan_id: Mapped[str | None] = mapped_column(String(36), index=True)
    step: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str | None] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
