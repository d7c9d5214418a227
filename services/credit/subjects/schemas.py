"""API models of the subject registry and its bulk import.

Strict, Uscc and USCC_EXAMPLE are the building blocks every sub-domain's schemas use.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.codes import SubjectType

SubjectStatus = Literal["active", "deregistered", "revoked"]
Grade = Literal["A", "B", "C", "D"]

USCC_EXAMPLE = "91310000MA1FL8TQ10"
Uscc = Annotated[str, Field(min_length=18, max_length=18, pattern=r"^[0-9A-Za-z]{18}$",
                            description="Unified Social Credit Code (GB 32100-2015), 18 characters",
                            examples=[USCC_EXAMPLE])]
Name = Annotated[str, Field(min_length=1, max_length=200, description="registered name",
                            examples=["上海示例贸易有限公司"])]
PersonName = Annotated[str, Field(min_length=1, max_length=100, examples=["张三"])]
ResidentId = Annotated[str, Field(min_length=18, max_length=18, pattern=r"^[0-9]{17}[0-9Xx]$",
                                  description="Resident Identity Card number (GB 11643); personal information",
                                  examples=["11010519491231002X"])]
Address = Annotated[str, Field(min_length=1, max_length=300, examples=["上海市黄浦区中山东一路1号"])]
District = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z_\-]+$",
                                description="district code (GB/T 2260)", examples=["310101"])]
IndustryCode = Annotated[str, Field(min_length=2, max_length=8, pattern=r"^[A-T]?[0-9]{2,4}$",
                                    description="industry code (GB/T 4754-2017), e.g. C1310 or 5191",
                                    examples=["F5191"])]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SubjectCreate(Strict):
    """A market participant; the same fields as a row of the bulk import CSV."""

    uscc: Uscc
    name: Name
    subject_type: SubjectType = Field(examples=["enterprise"])
    legal_rep_name: PersonName
    legal_rep_id: ResidentId
    registered_address: Address
    district: District
    industry_code: IndustryCode
    registered_on: date | None = Field(None, description="date of registration", examples=["2019-03-15"])
    status: SubjectStatus = Field("active", examples=["active"])

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [{
        "uscc": "91310000MA1FL8TQ10", "name": "上海示例贸易有限公司", "subject_type": "enterprise",
        "legal_rep_name": "张三", "legal_rep_id": "11010519491231002X",
        "registered_address": "上海市黄浦区中山东一路1号", "district": "310101", "industry_code": "F5191",
        "registered_on": "2019-03-15", "status": "active"}]})


class SubjectUpdate(Strict):
    """Fields to change; absent fields stay as they are."""

    name: Name | None = None
    subject_type: SubjectType | None = None
    legal_rep_name: PersonName | None = None
    legal_rep_id: ResidentId | None = None
    registered_address: Address | None = None
    district: District | None = None
    industry_code: IndustryCode | None = None

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [{
        "registered_address": "上海市浦东新区世纪大道100号", "district": "310115"}]})


class Deregistration(Strict):
    status: Literal["deregistered", "revoked"] = Field(examples=["deregistered"])
    effective_on: date = Field(examples=["2026-11-20"])


class LegalRepresentative(BaseModel):
    name: str
    id_number: str = Field(description="masked (region code and check character only) unless the caller is a "
                                        "department credit_officer or auditor",
                           examples=["110105***********X"])
    id_masked: bool


class SubjectOut(BaseModel):
    uscc: str = Field(examples=[USCC_EXAMPLE])
    name: str
    subject_type: str
    legal_representative: LegalRepresentative
    registered_address: str
    district: str
    industry_code: str
    industry_risk: str = Field(examples=["low"])
    registered_on: date | None
    status: str
    status_on: date | None = None
    grade: str | None = Field(examples=["A"])
    grade_score: float | None = None
    grade_version: str | None = None
    graded_on: date | None = None
    lists: list[str] = Field(default_factory=list, description="lists the subject is on now",
                             examples=[["abnormal"]])
    version: int


class SubjectPage(BaseModel):
    items: list[SubjectOut]
    next_cursor: str | None = Field(None, description="pass as `cursor` for the next page; null on the last", examples=["eyJ1IjoiOTEzMTAwMDBNQTFGTDhUUTEwIn0"])


class ImportRows(Strict):
    """Rows as JSON objects with the CSV columns; a row is checked on its own, bad rows are reported."""

    rows: list[dict] = Field(min_length=1, max_length=100_000, examples=[[{
        "uscc": "91310000MA1FL8TQ10", "name": "上海示例贸易有限公司", "subject_type": "enterprise",
        "legal_rep_name": "张三", "legal_rep_id": "11010519491231002X", "registered_address": "上海市黄浦区中山东一路1号",
        "district": "310101", "industry_code": "F5191", "registered_on": "2019-03-15"}]])


class RowError(BaseModel):
    row: int = Field(description="1-based data row (the first row after a CSV header is row 1)", examples=[7])
    field: str = Field(examples=["uscc"])
    rule: str = Field(examples=["uscc.check_character"])
    message: str = Field(examples=["check character (position 18) should be '0', got 'B'"])


class ImportReport(BaseModel):
    received: int = Field(examples=[2000])
    loaded: int = Field(examples=[1997])
    rejected: int = Field(examples=[3])
    batches: int = Field(examples=[1])
    errors: list[RowError]
