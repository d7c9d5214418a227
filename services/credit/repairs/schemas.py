"""API models of credit repair applications and objections."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.credit.subjects.schemas import USCC_EXAMPLE, Strict, Uscc

Contact = Field(min_length=3, max_length=120, description="phone or e-mail of the applicant",
                examples=["13800000000"])


class RepairCreate(Strict):
    """Apply to end the publicity of a penalty early. Anyone (the subject, anonymously) or a
    department credit_officer on its behalf."""

    uscc: Uscc
    record_id: str = Field(min_length=36, max_length=36, examples=["01935c2e-8a4b-7c3d-9e2f-123456789abc"])
    applicant_name: str = Field(min_length=1, max_length=100, examples=["上海示例贸易有限公司"])
    applicant_contact: str = Contact
    obligations_performed: bool = Field(description="fine paid, orders complied with", examples=[True])
    harm_removed: bool = Field(True, examples=[True])
    platform: Literal["national_enterprise_credit_publicity", "credit_china"] = Field(
        "national_enterprise_credit_publicity", description="whose repair rules apply: the national enterprise "
        "credit publicity system's (the default, as for the record's publicity window) or Credit China's "
        "(credit sites)", examples=["national_enterprise_credit_publicity"])
    statement: str = Field("", max_length=4000, examples=["fine paid on 2026-01-10; staff retrained"])

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [{
        "uscc": USCC_EXAMPLE, "record_id": "01935c2e-8a4b-7c3d-9e2f-123456789abc",
        "applicant_name": "上海示例贸易有限公司", "applicant_contact": "13800000000", "obligations_performed": True,
        "harm_removed": True, "statement": "fine paid on 2026-01-10; staff retrained"}]})


class Decision(Strict):
    approve: bool = Field(examples=[True])
    reason: str = Field(min_length=1, max_length=4000, examples=["conditions met; publicity ends"])


class RepairOut(BaseModel):
    id: str
    uscc: str
    record_id: str
    department: str = Field(description="department of the record, which decides")
    applicant_kind: str = Field(examples=["public"])
    applicant_name: str
    applicant_contact: str | None = Field(description="shown to department callers only")
    obligations_performed: bool
    harm_removed: bool
    platform: str = Field(description="whose repair rules applied", examples=["credit_china"])
    statement: str
    received_on: date
    decision_due: date = Field(description="10 working days after receipt")
    decision_due_provisional: bool
    eligibility: list[str]
    status: str = Field(description="pending | approved | rejected", examples=["pending"])
    decided_on: date | None
    decision_reason: str | None
    removal_due: date | None = Field(description="approved: removal from every site by this day (3 working days)")
    removal_due_provisional: bool = Field(
        description="removal_due was counted with a year whose holiday schedule is not loaded: it may still move",
        examples=[False])
    overdue: bool = Field(description="pending past its decision deadline")


class RepairPage(BaseModel):
    items: list[RepairOut]
    next_cursor: str | None = Field(None, description="pass as `cursor` for the next page; null on the last", examples=["eyJ1IjoiOTEzMTAwMDBNQTFGTDhUUTEwIn0"])


class ObjectionCreate(Strict):
    """An objection to a credit record, by the subject (anonymously) or a department on its behalf."""

    uscc: Uscc
    record_id: str = Field(min_length=36, max_length=36, examples=["01935c2e-8a4b-7c3d-9e2f-123456789abc"])
    applicant_name: str = Field(min_length=1, max_length=100, examples=["上海示例贸易有限公司"])
    applicant_contact: str = Contact
    grounds: str = Field(min_length=1, max_length=4000, examples=["the fine was annulled on appeal"])


class ObjectionDecision(Strict):
    upheld: bool = Field(description="true: the record is wrong and is withdrawn", examples=[True])
    reason: str = Field(min_length=1, max_length=4000, examples=["decision annulled by court ruling (2026)沪01行终1号"])


class ObjectionOut(BaseModel):
    id: str = Field(examples=["01935c2e-8a4b-7c3d-9e2f-123456789abd"])
    uscc: str = Field(examples=[USCC_EXAMPLE])
    record_id: str
    department: str
    applicant_name: str
    applicant_contact: str | None
    grounds: str
    received_on: date
    flag_due: date = Field(description="record flagged as disputed by this day (1 working day)")
    decide_due: date = Field(description="decided by this day (5 working days)")
    deadlines_provisional: bool
    status: str = Field(description="received | flagged | upheld | rejected")
    flagged_on: date | None
    decided_on: date | None
    decision_reason: str | None
    flag_overdue: bool
    decision_overdue: bool


class ObjectionPage(BaseModel):
    items: list[ObjectionOut]
    next_cursor: str | None = Field(None, description="pass as `cursor` for the next page; null on the last", examples=["eyJ1IjoiOTEzMTAwMDBNQTFGTDhUUTEwIn0"])

