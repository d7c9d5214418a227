"""API models of the efficiency evaluation: shares of duties done on time, per department."""

from __future__ import annotations

from pydantic import BaseModel, Field


class MetricShare(BaseModel):
    total: int = Field(examples=[12])
    on_time: int = Field(examples=[11])
    share: float | None = Field(None, description="on_time / total", examples=[0.9167])


class DepartmentEfficiency(BaseModel):
    department: str = Field(examples=["scjgj"])
    metrics: dict[str, MetricShare] = Field(description="inspection_result_published, penalty_published, "
                                                        "withdrawal, case_closed, complaint_answered")


class EfficiencyOut(BaseModel):
    month: str = Field(examples=["2026-11"])
    departments: list[DepartmentEfficiency]
