"""API models of the catalogue: one version's document, and version summaries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.contracts.codes import DepartmentCode

Level = Literal["municipal", "district"]
Name = dict[Literal["zh", "en"], str]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DepartmentEntry(Strict):
    """A department, district bureau or comprehensive enforcement team, and the roles it may hold."""

    code: DepartmentCode = Field(examples=["xhscjgj"])
    name: Name = Field(examples=[{"zh": "上海市徐汇区市场监督管理局", "en": "Xuhui District AMR"}])
    kind: Literal["department", "enforcement_team", "service"] = "department"
    level: Level = Field("municipal", description="municipal: jurisdiction over the city; district: over `district`")
    district: str | None = Field(None, pattern=r"^31[0-9]{4}$", description="district division code (district bodies)",
                                 examples=["310104"])
    functions: list[Literal["registration_authority", "red_list_grantor", "catalogue_keeper"]] = Field(
        default_factory=list, description="what else the body is competent for (e.g. the registration authority)")
    roles: list[str] = Field(default_factory=list, description="roles its staff may hold",
                             examples=[["inspector", "case_officer"]])


class MatterEntry(Strict):
    """A supervision matter with the national list's fields."""

    code: str = Field(pattern=r"^[a-z0-9]+-[0-9]{3}$", examples=["scjgj-001"])
    department: DepartmentCode = Field(description="the competent department whose list it is in")
    implemented_by: list[DepartmentCode] = Field(default_factory=list,
                                                 description="bodies that claimed it at their level (default: the department)")
    main_item: str = Field(min_length=1, max_length=200, description="主项")
    sub_item: str = Field("", max_length=200, description="子项")
    name: Name
    level: list[Level] = Field(default_factory=lambda: ["municipal"], description="监管层级")
    legal_basis: str = Field(min_length=1, max_length=2000, description="设定依据")
    supervisee_type: str = Field(min_length=1, max_length=64, description="监管对象类型", examples=["enterprise"])
    approach: str = Field(min_length=1, max_length=500, description="监管方式")
    effective_from: date | None = Field(None, description="default: the version's effective date")
    effective_to: date | None = None


class ApprovalItemEntry(Strict):
    """An approval item and, by its status, the department that supervises it (seed §4)."""

    code: str = Field(min_length=1, max_length=64, examples=["ap-food-business"])
    name: Name
    examining_department: DepartmentCode
    status: Literal["in_force", "cancelled", "filing", "delegated", "entrusted"]
    supervising_department: DepartmentCode
    matter_code: str | None = None
    entrustment: str | None = Field(None, description="entrusted items: the entrustment's code")


class EntrustmentEntry(Strict):
    """A written entrustment: the entrustee acts in the entrustor's name on the listed matters only."""

    code: str = Field(min_length=1, max_length=64)
    entrustor: DepartmentCode
    entrustee: DepartmentCode
    matters: list[str] = Field(min_length=1)
    powers: list[Literal["inspection", "penalty", "compulsory_measure"]] = Field(min_length=1)
    letter_ref: str = Field(min_length=1, max_length=200)
    url: str = Field(min_length=1, max_length=500, description="where both sides published the letter")
    valid_from: date
    valid_to: date


class CatalogueDocument(Strict):
    departments: list[DepartmentEntry]
    matters: list[MatterEntry]
    approval_items: list[ApprovalItemEntry] = Field(default_factory=list)
    entrustments: list[EntrustmentEntry] = Field(default_factory=list)


class CatalogueVersionCreate(CatalogueDocument):
    """A new catalogue version: the whole catalogue as it will stand from `effective_from`."""

    version: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", examples=["2027.1"])
    effective_from: date = Field(description="today or later: a version never changes the past",
                                 examples=["2027-01-01"])
    note: str = Field("", max_length=2000, examples=["scjgj-006 entrusted to the Xuhui enforcement team"])


class VersionSummary(BaseModel):
    version: str
    effective_from: date
    effective_to: date | None = Field(None, description="the day before the next version took effect")
    published_at: datetime
    sample: bool = Field(description="true: sample data for demos, not the official lists")
    note: str


class VersionPage(BaseModel):
    items: list[VersionSummary]


class CatalogueOut(CatalogueDocument):
    """One version of the catalogue, whole."""

    version: str
    effective_from: date
    sample: bool
    model_config = ConfigDict(extra="ignore")
