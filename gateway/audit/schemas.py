"""API models of the access audit routes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

USCC_EXAMPLE = "91310000MA1FL8L971"


class AccessCount(BaseModel):
    month: str = Field(description="calendar month, Asia/Shanghai", examples=["2026-11"])
    department: str | None = Field(description="code of the department (or service) that called", examples=["scjgj"])
    department_name: str | None = Field(description="its name", examples=["上海市市场监督管理局"])
    department_name_en: str | None = Field(default=None, examples=["Shanghai Administration for Market Regulation"])
    purpose: str | None = Field(description="what kind of access (the policy's route group)", examples=["credit.read"])
    purpose_description: str | None = Field(default=None, examples=["read credit records, grades and lists"])
    count: int = Field(description="calls that returned data or made a change", examples=[3])


class SubjectAccessOut(BaseModel):
    """Who looked at a company's data: counts by month, department and purpose only."""

    uscc: str = Field(examples=[USCC_EXAMPLE])
    total: int = Field(examples=[3])
    items: list[AccessCount]
    model_config = {"json_schema_extra": {"examples": [{
        "uscc": USCC_EXAMPLE, "total": 3,
        "items": [{"month": "2026-11", "department": "scjgj", "department_name": "上海市市场监督管理局",
                   "department_name_en": "Shanghai Administration for Market Regulation",
                   "purpose": "credit.read", "purpose_description": "read credit records, grades and lists",
                   "count": 3}]}]}}


class AuditEntryOut(BaseModel):
    id: str = Field(examples=["0193a6f2-7c1e-7a00-8000-1234567890ab"])
    at: datetime
    kind: str = Field(examples=["department"])
    department: str | None = Field(examples=["scjgj"])
    client_id: str | None = Field(examples=["scjgj-demo-inspector"])
    roles: list[str] = Field(examples=[["inspector"]])
    method: str = Field(examples=["GET"])
    path: str = Field(examples=[f"/credit/subjects/{USCC_EXAMPLE}"])
    query: str = Field(examples=[""])
    route: str | None = Field(examples=["/credit/subjects/{uscc}"])
    purpose: str | None = Field(examples=["credit.read"])
    rule_id: str | None = Field(examples=["inspector"])
    policy_version: str = Field(examples=["2026-11-27.1"])
    allowed: bool
    status: int = Field(examples=[200])
    subjects: list[str] = Field(examples=[[USCC_EXAMPLE]])
    request_id: str = Field(examples=["3f1c0d0e4b6f4a3e9c1f3b2a1d0e9f8c"])
    duration_ms: int = Field(examples=[4])


class AuditLogPage(BaseModel):
    items: list[AuditEntryOut]
    next_cursor: str | None = Field(description="pass as `cursor` for the next (older) page")
