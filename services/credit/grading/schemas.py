"""API models of the explained grade, the risk score and the measures in force."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from services.credit.subjects.schemas import USCC_EXAMPLE


class ContributionOut(BaseModel):
    record_id: str | None = Field(description="null for subject-level items (base score, industry, red list)")
    kind: str = Field(examples=["penalty"])
    weight: float = Field(examples=[15.0])
    reason: str = Field(examples=["penalty/general of 2026-10-12: full weight (under 1 year(s) old)"])
    department: str | None = None
    decision_date: date | None = None


class GradeOut(BaseModel):
    uscc: str = Field(examples=[USCC_EXAMPLE])
    grade: str = Field(examples=["B"])
    score: float = Field(examples=[25.0])
    score_grade: str = Field(description="the grade the score alone gives, before list floors", examples=["B"])
    rule_set_version: str = Field(examples=["grading-2025.1"])
    as_of: date
    contributions: list[ContributionOut]
    list_effects: list[str]
    what_would_change: list[str] = Field(examples=[["score 25 needs <= 15 for A"]])
    stored_grade: str | None = Field(description="grade stored at the last regrade", examples=["B"])
    graded_on: date | None


class RiskOut(BaseModel):
    uscc: str = Field(examples=[USCC_EXAMPLE])
    score: float = Field(examples=[42.0])
    level: str = Field(examples=["medium"])
    alert: bool
    reasons: list[str] = Field(examples=[["general penalty r1 of 2026-10-12: +10"]])
    model_version: str = Field(examples=["risk-2025.1"])
    as_of: date


class MeasureOut(BaseModel):
    code: str = Field(examples=["restricted_public_procurement"])
    kind: str = Field(description="reward | punishment", examples=["punishment"])
    description: str
    basis: str = Field(examples=["Regulations on Enterprise Information Publicity art. 18"])
    trigger: str = Field(examples=["abnormal list"])


class MeasuresOut(BaseModel):
    uscc: str = Field(examples=[USCC_EXAMPLE])
    name: str
    as_of: date
    grade: str | None
    lists: list[str]
    measures: list[MeasureOut]
