"""Tables of the gateway's access audit log (its own metadata; no business tables).

`access_log` holds one row per audited call: who (kind, department, client, roles), what
(method, path, route template, route group = purpose), the outcome (status, rule, policy
version) and when. `access_subjects` holds one row per market participant (USCC) a call
named, denormalised (month, department, purpose, status) so the public "who looked at my
company's data" answer is a single GROUP BY on one index.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import new_metadata


class AuditBase(DeclarativeBase):
    metadata = new_metadata()


class AccessRecord(AuditBase):
    __tablename__ = "access_log"
    __table_args__ = (
        Index("ix_access_log_department_id", "department", "id"),
        Index("ix_access_log_client_id_id", "client_id", "id"),
        Index("ix_access_log_at", "at"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # UUIDv7: sorts by time
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(16))  # department | service | public
    department: Mapped[str | None] = mapped_column(String(32))
    client_id: Mapped[str | None] = mapped_column(String(64))
    roles: Mapped[str] = mapped_column(String(200), default="")  # space-separated
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(1000))
    query: Mapped[str] = mapped_column(Text, default="")
    route: Mapped[str | None] = mapped_column(String(300))  # policy template, when one matched
    purpose: Mapped[str | None] = mapped_column(String(64))  # the policy route group
    rule_id: Mapped[str | None] = mapped_column(String(64))
    policy_version: Mapped[str] = mapped_column(String(32), default="")
    allowed: Mapped[bool] = mapped_column(default=False)
    status: Mapped[int] = mapped_column(Integer)
    subjects: Mapped[str] = mapped_column(String(400), default="")  # space-separated USCCs
    request_id: Mapped[str] = mapped_column(String(128), default="")
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)


class AccessSubject(AuditBase):
    __tablename__ = "access_subjects"
    __table_args__ = (
        Index("ix_access_subjects_uscc_month", "uscc", "month"),
        Index("ix_access_subjects_access_id", "access_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    access_id: Mapped[str] = mapped_column(String(36))
    uscc: Mapped[str] = mapped_column(String(18))
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM, Asia/Shanghai
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    department: Mapped[str | None] = mapped_column(String(32))
    purpose: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
