"""API models of complaints and tip-offs, shaped like Open311 GeoReport v2 service requests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.casework.cases.schemas import USCC, Note, Page, Strict
from shared.contracts.dates import LegalDate


class ServiceOut(BaseModel):
    """An Open311 service: something one may complain about or report, and who handles it."""

    service_code: str = Field(examples=["food-safety"])
    service_name: str
    description: str
    metadata: bool = Field(False, description="Open311: no extra attributes are defined")
    type: Literal["realtime"] = "realtime"
    keywords: str
    group: str = Field(examples=["12315"])
    department: str = Field(description="Competent department (extension)")
    matter_code: str = Field(description="Supervision matter (extension)")


class ServiceList(BaseModel):
    routing_version: str
    services: list[ServiceOut]


class ComplaintCreate(Strict):
    """Open311 GeoReport v2 `POST requests` fields, plus `request_kind` and the business concerned.

    Contact fields are optional: without them the request is anonymous. Give `address_string`
    or both `lat` and `long`."""

    service_code: str = Field(min_length=1, max_length=64, examples=["food-safety"])
    description: str = Field(min_length=1, max_length=4000)
    address_string: str | None = Field(None, min_length=1, max_length=500)
    lat: Decimal | None = Field(None, ge=-90, le=90, decimal_places=6)
    long: Decimal | None = Field(None, ge=-180, le=180, decimal_places=6)
    media_url: str | None = Field(None, max_length=2000, pattern=r"^https?://\S+$")
    first_name: str | None = Field(None, min_length=1, max_length=100)
    last_name: str | None = Field(None, min_length=1, max_length=100)
    phone: str | None = Field(None, pattern=r"^\+?[0-9][0-9 -]{4,38}$")
    email: str | None = Field(None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    request_kind: Literal["complaint", "tip_off"] = Field(
        "tip_off", description="complaint (投诉: the sender's own consumer rights) or tip_off (举报: a violation)")
    business_uscc: USCC | None = None
    business_name: str | None = Field(None, min_length=1, max_length=200)

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "service_code": "food-safety", "description": "Expired milk on sale at the shop on the corner",
        "address_string": "上海市黄浦区南京东路100号", "first_name": "Wei", "last_name": "Wang",
        "phone": "13800000000", "request_kind": "tip_off", "business_uscc": "91310000MA1FL0001R",
        "business_name": "上海某某食品有限公司"}]})

    @model_validator(mode="after")
    def _where(self) -> ComplaintCreate:
        if self.address_string is None and (self.lat is None or self.long is None):
            raise ValueError("give address_string, or lat and long")
        if (self.lat is None) != (self.long is None):
            raise ValueError("lat and long go together")
        return self


class ComplaintCreated(BaseModel):
    """Open311 answer element (the POST returns a list of one)."""

    service_request_id: str
    service_notice: str
    account_id: str | None = None
    department: str
    acceptance_due: date


class SenderOut(BaseModel):
    first_name: str | None
    last_name: str | None
    phone: str | None
    email: str | None


class ComplaintOut(BaseModel):
    service_request_id: str
    request_kind: str
    status: str = Field(description="received | accepted | refused")
    service_code: str
    description: str
    address_string: str | None
    lat: Decimal | None
    long: Decimal | None
    media_url: str | None
    business_uscc: str | None
    business_name: str | None
    channel: str
    department: str
    matter_code: str
    received_on: date
    acceptance_due: date
    acceptance_provisional: bool = Field(
        description="acceptance_due was counted with a year whose holiday schedule is not loaded: it may still move",
        examples=[False])
    answered_on: date | None
    answer_reason: str | None
    case_id: str | None
    real_name: bool
    filing_outcome: str | None
    filing_decided_on: date | None
    notice_due: date | None
    notice_due_provisional: bool = Field(
        description="notice_due was counted with a year whose holiday schedule is not loaded: it may still move",
        examples=[False])
    notified_on: date | None
    reward: dict[str, Any] | None
    sender: SenderOut | None = Field(
        None, description="Only for case officers of the handling department; null for everyone else")


class ComplaintPage(Page):
    items: list[ComplaintOut]


class Answer(Strict):
    on: LegalDate | None = None
    reason: str = Field("", max_length=2000)

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"reason": "within our competence"}]})


class Refusal(Strict):
    on: LegalDate | None = None
    reason: str = Field(min_length=1, max_length=2000, examples=["not within market regulation"])

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"reason": "a civil dispute"}]})


class FilingNotice(Strict):
    on: LegalDate | None = None
    note: Note = ""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"note": "told by phone"}]})


class RewardRequest(Strict):
    grade: int = Field(ge=1, le=3, description="1, 2 or 3: how much the tip-off contributed")

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"grade": 1}]})


class RewardOut(BaseModel):
    complaint_id: str
    case_id: str
    decision_number: str
    grade: int
    base: Decimal
    rate: Decimal
    amount: Decimal
    minimum_applied: bool
    cap_applied: bool
    table_version: str
