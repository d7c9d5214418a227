"""API models of the item list, the inspection object database and the inspector database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints

from shared.contracts.codes import SubjectType
from shared.contracts.dates import Timestamp

Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$")]
Department = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{1,39}$")]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[^\s].*$")]
Industry = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]{1,10}$")]
ItemKind = Literal["general", "key"]
USCC_PATTERN = r"^[0-9A-HJ-NPQRTUWXY]{18}$"
Uscc = Annotated[str, StringConstraints(pattern=USCC_PATTERN)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ItemIn(Strict):
    code: Code = Field(description="Item code, unique across departments", examples=["SCJG-SP-001"])
    name: ShortText = Field(examples=["Food business licence and hygiene conditions"])
    legal_basis: Annotated[str, StringConstraints(min_length=1, max_length=500)] = Field(
        examples=["Food Safety Law art. 87, 110"])
    method: ShortText = Field(description="How the item is checked", examples=["on-site inspection"])
    kind: ItemKind = Field(description="general: drawn at the plan's ratio; key: full coverage", examples=["general"])
    matter_code: Code | None = Field(None, description="Supervision matter of the department's own list",
                                     examples=["scjgj-001"])
    subject_types: list[SubjectType] = Field(default_factory=list, max_length=3,
                                             description="Applicable subject types; empty = all")
    industries: list[Industry] = Field(default_factory=list, max_length=50,
                                       description="Applicable GB/T 4754 industry code prefixes; empty = all",
                                       examples=[["H62", "F52"]])

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "code": "SCJG-SP-001", "name": "Food business licence and hygiene conditions",
        "legal_basis": "Food Safety Law art. 87, 110", "method": "on-site inspection", "kind": "general",
        "matter_code": "scjgj-001", "subject_types": ["enterprise"], "industries": ["H62"]}]})


class ItemPatch(Strict):
    name: ShortText | None = None
    legal_basis: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = None
    method: ShortText | None = None
    kind: ItemKind | None = None
    matter_code: Code | None = None
    subject_types: list[SubjectType] | None = Field(None, max_length=3)
    industries: list[Industry] | None = Field(None, max_length=50)
    active: StrictBool | None = None

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"method": "document review"}]})


class ItemOut(BaseModel):
    id: str
    department: str
    code: str
    name: str
    legal_basis: str
    method: str
    kind: str
    matter_code: str | None
    subject_types: list[str]
    industries: list[str]
    active: bool
    created_at: Timestamp
    updated_at: Timestamp

    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [{
        "id": "01936a8e-7c1a-7d0e-9a51-1f0f6c1d2e3f", "department": "scjgj", "code": "SCJG-SP-001",
        "name": "Food business licence and hygiene conditions", "legal_basis": "Food Safety Law art. 87, 110",
        "method": "on-site inspection", "kind": "general", "matter_code": "scjgj-001",
        "subject_types": ["enterprise"], "industries": ["H62"], "active": True,
        "created_at": "2026-03-02T08:00:00Z", "updated_at": "2026-03-02T08:00:00Z"}]})


class ItemPage(BaseModel):
    items: list[ItemOut]
    next_cursor: str | None = Field(None, examples=[None])


class ObjectOut(BaseModel):
    uscc: str
    name: str
    subject_type: str
    district: str
    industry_code: str
    status: str
    grade: str | None
    grade_as_of: date | None
    risk_level: str | None
    risk_score: Decimal | None
    lists: list[str] = Field(description="Open list memberships: red, abnormal, serious_dishonesty")
    last_inspector_ids: list[str] | None = None

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "uscc": "91310000MA1FL4QT5X", "name": "Shanghai Example Catering Co., Ltd.", "subject_type": "enterprise",
        "district": "310104", "industry_code": "H6210", "status": "active", "grade": "B",
        "grade_as_of": "2026-03-01", "risk_level": None, "risk_score": None, "lists": ["red"],
        "last_inspector_ids": None}]})


class ObjectPage(BaseModel):
    items: list[ObjectOut]
    next_cursor: str | None = None


class InspectorIn(Strict):
    name: ShortText = Field(examples=["Li Ming"])
    client_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,119}$")] = Field(
        description="Gateway client id of the inspector's credential: results are accepted only from it",
        examples=["scjgj-inspector-li-ming"])
    qualifications: list[Tag] = Field(default_factory=list, max_length=30, examples=[["enforcement", "food"]])
    districts: list[Tag] = Field(default_factory=list, max_length=30,
                                 description='Districts covered; "*" = the whole city', examples=[["310104"]])
    active: StrictBool = True
    interests: list[Annotated[str, StringConstraints(min_length=1, max_length=64)]] = Field(
        default_factory=list, max_length=200,
        description="Declared interests (USCCs or group ids) the inspector must not inspect. Personal: never published.",
        examples=[["91310000MA1FL4QT5X"]])

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "name": "Li Ming", "client_id": "scjgj-inspector-li-ming", "qualifications": ["enforcement", "food"],
        "districts": ["310104"], "active": True, "interests": ["91310000MA1FL4QT5X"]}]})


class InspectorPatch(Strict):
    name: ShortText | None = None
    qualifications: list[Tag] | None = Field(None, max_length=30)
    districts: list[Tag] | None = Field(None, max_length=30)
    active: StrictBool | None = None
    interests: list[Annotated[str, StringConstraints(min_length=1, max_length=64)]] | None = Field(None, max_length=200)

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"active": False}]})


class InspectorOut(BaseModel):
    id: str
    department: str
    name: str
    client_id: str
    qualifications: list[str]
    districts: list[str]
    active: bool
    interests: list[str] | None = Field(None, description="Shown only to the department's own admin")

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "01936a8e-7c1a-7d0e-9a51-1f0f6c1d2e40", "department": "scjgj", "name": "Li Ming",
        "client_id": "scjgj-inspector-li-ming", "qualifications": ["enforcement"], "districts": ["310104"],
        "active": True, "interests": None}]})


class InspectorPage(BaseModel):
    items: list[InspectorOut]
    next_cursor: str | None = None
