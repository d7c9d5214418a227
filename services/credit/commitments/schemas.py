"""API models of licences granted by notification and commitment."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from services.credit.subjects.schemas import USCC_EXAMPLE, Strict, Uscc
from shared.contracts.dates import LegalDate


class CommitmentCreate(Strict):
    """A licence granted on the subject's written commitment; the promise is verified later."""

    uscc: Uscc
    matter_code: str = Field(min_length=1, max_length=64, pattern=r"^[a-z0-9]+-[0-9]{3}$", examples=["scjgj-004"])
    field: str = Field(min_length=1, max_length=40, pattern=r"^[a-z_]+$",
                       description="field of the matter; public_safety, ecology_environment, health and "
                                   "life_property_safety are excluded from notification and commitment",
                       examples=["advertising"])
    licence_number: str = Field(min_length=1, max_length=80, examples=["沪广告承诺〔2026〕0012"])
    promise: str = Field(min_length=1, max_length=4000, examples=["premises meet the conditions of art. 49"])
    granted_on: LegalDate = Field(examples=["2026-09-01"])
    legal_basis: str = Field("Guobanfa [2020] No. 42", max_length=2000)

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [{
        "uscc": USCC_EXAMPLE, "matter_code": "scjgj-004", "field": "advertising",
        "licence_number": "沪广告承诺〔2026〕0012", "promise": "premises meet the conditions of art. 49",
        "granted_on": "2026-09-01"}]})


class VerificationResult(Strict):
    kept: bool = Field(description="true: the promise was kept; false: broken, a rectification deadline starts",
                       examples=[False])
    verified_on: LegalDate | None = Field(None, description="default: today (Shanghai)", examples=["2026-10-20"])
    detail: str = Field("", max_length=4000, examples=["premises lack the required fire exit"])


class Rectification(Strict):
    rectified_on: LegalDate | None = Field(None, description="default: today (Shanghai)", examples=["2026-11-05"])
    detail: str = Field("", max_length=4000, examples=["fire exit built and accepted"])


class CommitmentOut(BaseModel):
    id: str
    uscc: str = Field(examples=[USCC_EXAMPLE])
    department: str
    matter_code: str
    field: str
    licence_number: str
    promise: str
    granted_on: date
    verification_due: date
    schedule_version: str
    status: str = Field(description="pending_verification | kept | rectifying | rectified | revoked",
                        examples=["rectifying"])
    found_broken_on: date | None
    rectification_due: date | None
    rectified_on: date | None
    revoked_on: date | None
    licence_record_id: str
    outcome_record_id: str | None
    verification_overdue: bool = False
    rectification_overdue: bool = False


class CommitmentPage(BaseModel):
    items: list[CommitmentOut]
    next_cursor: str | None = Field(None, description="pass as `cursor` for the next page; null on the last", examples=["eyJ1IjoiOTEzMTAwMDBNQTFGTDhUUTEwIn0"])


class CommitmentSweepReport(BaseModel):
    as_of: date = Field(examples=["2026-11-27"])
    revoked: list[str] = Field(description="commitments whose licence was revoked")
