"""API models of the credit lists (abnormal operations, serious dishonesty, red)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from services.credit.subjects.schemas import USCC_EXAMPLE, Strict, Uscc
from shared.contracts.dates import LegalDate


class ListEntryCreate(Strict):
    """Put a subject on a list, citing the statutory ground(s)."""

    uscc: Uscc
    reasons: list[str] = Field(
        default_factory=list, max_length=6,
        description="ground codes: abnormal: exactly one of annual_report_not_filed, instant_info_not_published, "
                    "false_information, unreachable_at_address; serious_dishonesty: one or more of "
                    "escalated_from_abnormal, harm_to_life_and_health, lifelong_industry_ban, punitive_damages_or_fraud, "
                    "refusing_to_perform, repeat_serious_violation; red: none (eligibility is checked)",
        examples=[["annual_report_not_filed"]])
    entered_on: LegalDate | None = Field(None, description="default: today (Shanghai)", examples=["2026-07-01"])
    detail: str = Field("", max_length=2000, examples=["2025 annual report not filed by 30 June 2026"])
    source_ref: str | None = Field(None, max_length=120, examples=["沪市监异〔2026〕88号"],
                                   description="the act the entry rests on; serious dishonesty: the penalty "
                                               "decision number (the entering department's own decision)")
    source_date: date | None = Field(None, description="date of the cited act; an entry dated more than the "
                                                       "tolerance back must cite an act of that very date",
                                     examples=["2026-07-01"])

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [{
        "uscc": USCC_EXAMPLE, "reasons": ["annual_report_not_filed"], "entered_on": "2026-07-01",
        "detail": "2025 annual report not filed by 30 June 2026"}]})


class ListExitRequest(Strict):
    """Take a subject off a list. Abnormal: the ground must be corrected. Serious dishonesty: after 1 year
    with obligations performed and no new violation (or 3 years on the list)."""

    exited_on: LegalDate | None = Field(None, description="default: today (Shanghai)", examples=["2026-11-20"])
    corrected: bool = Field(False, description="abnormal list: the entry ground was corrected", examples=[True])
    obligations_performed: bool = Field(False, description="serious dishonesty list", examples=[True])
    new_violation: bool = Field(False, description="serious dishonesty list: a new violation while listed")
    reason: str = Field("", max_length=2000, examples=["2025 annual report filed on 2026-11-18"])

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [{
        "exited_on": "2026-11-20", "corrected": True, "reason": "2025 annual report filed on 2026-11-18"}]})


class ListEntryOut(BaseModel):
    id: str
    uscc: str = Field(examples=[USCC_EXAMPLE])
    list_kind: str = Field(examples=["abnormal"])
    reason: str = Field(description="ground code(s), comma separated", examples=["annual_report_not_filed"])
    reason_text: str
    basis: str
    department: str = Field(examples=["scjgj"])
    entered_on: date
    exited_on: date | None
    exit_reason: str | None
    source_ref: str | None
    escalated_to: str | None = Field(None, description="abnormal entries: the serious-dishonesty entry they became")


class ListEntryPage(BaseModel):
    items: list[ListEntryOut]
    next_cursor: str | None = Field(None, description="pass as `cursor` for the next page; null on the last", examples=["eyJ1IjoiOTEzMTAwMDBNQTFGTDhUUTEwIn0"])


class SweepReport(BaseModel):
    as_of: date = Field(examples=["2026-11-27"])
    escalated: list[str] = Field(description="abnormal entries escalated to the serious dishonesty list")
    removed: list[str] = Field(description="serious dishonesty entries removed after 3 years")
