"""API models of an object's step history."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.dates import Timestamp


class HistoryOut(BaseModel):
    id: str = Field(description="Orders the steps; opaque")
    step: str = Field(description="planned | committed | draw_completed | drawn | assigned | assignment_failed | "
                                  "key_task_created | result_recorded | published")
    uscc: str | None
    plan_id: str | None
    actor: str | None
    at: Timestamp
    detail: dict[str, Any]

    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [{
        "id": "01936a93-0000-7000-8000-000000000004", "step": "drawn", "uscc": "91310000MA1FL4QT5X",
        "plan_id": "01936a90-0000-7000-8000-000000000001", "actor": "scjgj-admin", "at": "2026-04-01T02:00:00Z",
        "detail": {"stratum": "B"}}]})


class HistoryPage(BaseModel):
    items: list[HistoryOut]
    next_cursor: str | None = None
