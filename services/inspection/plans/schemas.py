"""API models of plans, commitments and draws."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from services.inspection.directory.schemas import (
    Department,
    Industry,
    ShortText,
    Strict,
    SubjectType,
    Tag,
)
from shared.contracts.dates import LegalDate, Timestamp

Ratio = Annotated[str, StringConstraints(pattern=r"^(0(\.[0-9]{1,4})?|1(\.0{1,4})?)$")]
GradeKey = Literal["A", "B", "C", "D", "ungraded"]


class Scope(Strict):
    districts: list[Tag] = Field(default_factory=list, max_length=50, description="empty = every district",
                                 examples=[["310104", "310105"]])
    industries: list[Industry] = Field(default_factory=list, max_length=50,
                                       description="industry code prefixes; empty = every industry")
    subject_types: list[SubjectType] = Field(default_factory=list, max_length=3, description="empty = all types")


class PlanIn(Strict):
    name: ShortText = Field(examples=["2026 Q2 catering food safety random inspection"])
    item_ids: list[Annotated[str, StringConstraints(min_length=1, max_length=36)]] = Field(
        min_length=1, max_length=100, description="Items of the lead and partner departments")
    partner_departments: list[Department] = Field(
        default_factory=list, max_length=15,
        description="Joint plan: partner departments whose items are included; each object is visited once")
    scope: Scope = Field(default_factory=Scope)
    period_start: LegalDate
    period_end: date
    ratio_overrides: dict[GradeKey, Ratio] = Field(
        default_factory=dict, description="Per-grade ratios replacing the configured table's (recorded)",
        examples=[{"D": "0.40"}])
    publicity_check: bool = Field(False, description="Enterprise publicity-information check: 3% floor per stratum")
    required_qualifications: list[Tag] = Field(default_factory=list, max_length=10, examples=[["food"]])

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "name": "2026 Q2 catering food safety random inspection",
        "item_ids": ["01936a8e-7c1a-7d0e-9a51-1f0f6c1d2e3f"], "partner_departments": ["wjw"],
        "scope": {"districts": ["310104"], "industries": ["H62"], "subject_types": ["enterprise"]},
        "period_start": "2026-04-01", "period_end": "2026-06-30", "ratio_overrides": {"D": "0.40"},
        "publicity_check": False, "required_qualifications": []}]})


class Unassigned(BaseModel):
    uscc: str
    reason: str


class PlanOut(BaseModel):
    id: str
    name: str
    lead_department: str
    departments: list[str]
    joint: bool
    item_ids: list[str]
    item_codes: list[str]
    scope: dict[str, Any]
    period_start: date
    period_end: date
    ratio_version: str
    ratio_overrides: dict[str, str]
    ratios: dict[str, str] = Field(description="Effective ratios per stratum, after overrides, as exact decimals")
    full_coverage: bool
    publicity_check: bool
    required_qualifications: list[str]
    status: Literal["draft", "committed", "drawn"]
    seed_commitment: str | None
    population_root: str | None
    population_count: int | None
    committed_at: Timestamp | None
    drawn_at: Timestamp | None
    selected_count: int | None = None
    unassigned: list[Unassigned] = Field(default_factory=list,
                                         description="Objects lacking inspectors, with the reason (department view)")

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "01936a90-0000-7000-8000-000000000001", "name": "2026 Q2 catering food safety random inspection",
        "lead_department": "scjgj", "departments": ["scjgj", "wjw"], "joint": True,
        "item_ids": ["01936a8e-7c1a-7d0e-9a51-1f0f6c1d2e3f"], "item_codes": ["SCJG-SP-001"],
        "scope": {"districts": ["310104"]}, "period_start": "2026-04-01", "period_end": "2026-06-30",
        "ratio_version": "ratios-2020-01", "ratio_overrides": {"D": "0.40"},
        "ratios": {"A": "0.03", "B": "0.05", "C": "0.10", "D": "0.40", "ungraded": "0.05", "red_list_multiplier": "0.5"},
        "full_coverage": False, "publicity_check": False, "required_qualifications": [], "status": "drawn",
        "seed_commitment": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "population_root": "5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592",
        "population_count": 1200, "committed_at": "2026-03-30T02:00:00Z", "drawn_at": "2026-04-01T02:00:00Z",
        "selected_count": 61, "unassigned": [{"uscc": "91310000MA1FL4QT5X",
                                              "reason": "only 1 eligible inspector(s) after recusal (need 2)"}]}]})


class PlanPage(BaseModel):
    items: list[PlanOut]
    next_cursor: str | None = None


class PublicPlanOut(BaseModel):
    """What is public before the draw: the plan and its commitments (never the seed)."""

    id: str
    name: str
    departments: list[str]
    item_codes: list[str]
    scope: dict[str, Any]
    period_start: date
    period_end: date
    ratio_version: str
    ratios: dict[str, str]
    status: str
    seed_commitment: str | None
    population_root: str | None
    population_count: int | None
    committed_at: Timestamp | None
    drawn_at: Timestamp | None
    beacon: dict[str, str] | None = Field(None, description="The public beacon the seed waits for: source and "
                                                            "publication time")
    commitment: dict[str, Any] | None = Field(None, description="The commitment document whose SHA-256 is "
                                                                "seed_commitment (secret commitments, never secrets)")

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "01936a90-0000-7000-8000-000000000001", "name": "2026 Q2 catering food safety random inspection",
        "departments": ["scjgj"], "item_codes": ["SCJG-SP-001"], "scope": {}, "period_start": "2026-04-01",
        "period_end": "2026-06-30", "ratio_version": "ratios-2020-01",
        "ratios": {"A": "0.03", "B": "0.05", "C": "0.10", "D": "0.30", "ungraded": "0.05", "red_list_multiplier": "0.5"},
        "status": "committed",
        "seed_commitment": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "population_root": "5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592",
        "population_count": 1200, "committed_at": "2026-03-30T02:00:00Z", "drawn_at": None}]})


class PopulationEntry(BaseModel):
    """A member of the frozen population. Its grade, red-list flag and risk level are internal: they
    decide its stratum, which is not public (handbook, credit section, "Visibility")."""

    uscc: str
    district: str | None


class PopulationPage(BaseModel):
    items: list[PopulationEntry]
    next_cursor: str | None = None


class DrawSummary(BaseModel):
    plan_id: str
    drawn_on: date
    selected_count: int
    unassigned: list[Unassigned]
    seed: str = Field(description="The seed derived from every revealed secret and the beacon value (hex)")
    seed_commitment: str
    population_root: str

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "plan_id": "01936a90-0000-7000-8000-000000000001", "drawn_on": "2026-04-01", "selected_count": 61,
        "unassigned": [], "seed": "00" * 32,
        "seed_commitment": "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925",
        "population_root": "5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592"}]})


class VerificationOut(BaseModel):
    plan_id: str
    ok: bool
    mismatches: list[str]

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"plan_id": "01936a90-0000-7000-8000-000000000001", "ok": True, "mismatches": []}]})


DRAW_RECORD_EXAMPLE = {
    "format": "inspection-draw/3", "plan_id": "01936a90-0000-7000-8000-000000000001",
    "algorithm": "blake2b64-keyed(seed; plan_id|uscc)/v1", "rule_version": "ratios-2026-12",
    "commitment": {"format": "draw-commitment/2", "departments": ["scjgj"], "secret_commitments": {"scjgj": "ab" * 32},
                   "beacon": {"source": "China Welfare Lottery 3D", "published_at": "2026-04-01T13:15:00Z"},
                   "salt_key_commitment": "cd" * 32},
    "reveal": {"secrets": {"scjgj": "00" * 32}, "beacon_value": "4 7 1"}, "drawn_at": "2026-04-01T13:20:00+00:00",
    "seed": "00" * 32, "seed_commitment": "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925",
    "population_root": "5d41402abc4b2a76b9719d911017c5925d41402abc4b2a76b9719d911017c592",
    "population_count": 2, "population": {"B": ["0f1e2d3c4b5a69788796a5b4c3d2e1f0", "8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f"]},
    "strata": [{"name": "B", "grade": "B", "red_list": False, "risk_level": None, "population": 2, "ratio": "0.05",
                "k": 1, "selected": ["8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f"]}],
    "drawn": [{"uscc": "91310000MA1FL4QT5X", "district": "310104", "group_id": None}],
    "assignment": {"recusal": {"checked": True}, "excluded": {}, "assigned": {"91310000MA1FL4QT5X": ["i1", "i2"]},
                   "unassigned": {}},
}


Hex64 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class SecretCommitmentIn(Strict):
    secret_commitment: Hex64 = Field(description="SHA-256 (lowercase hex) of the department's own random secret of "
                                                 "16-64 bytes; the secret itself stays with the department until "
                                                 "it reveals it", examples=["5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"])


class BeaconIn(Strict):
    source: ShortText = Field(description="Who publishes the beacon value, precisely enough for anyone to look it "
                                          "up", examples=["China Welfare Lottery 3D, draw of 2026-04-01"])
    published_at: datetime = Field(description="When the value is published (with its time zone); must be after "
                                               "the commit", examples=["2026-04-01T13:15:00Z"])


class CommitIn(Strict):
    secret_commitment: Hex64 | None = Field(None, description="The lead department's secret commitment (unless "
                                                              "handed in before through /secret-commitment)")
    beacon: BeaconIn

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "secret_commitment": "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8",
        "beacon": {"source": "China Welfare Lottery 3D, draw of 2026-04-01", "published_at": "2026-04-01T13:15:00Z"}}]})


class RevealIn(Strict):
    secret: Annotated[str, StringConstraints(pattern=r"^([0-9a-f]{2}){16,64}$")] = Field(
        description="The department's secret (hex), revealed after the commit and before the beacon is published",
        examples=["00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"])


class DrawIn(Strict):
    beacon_value: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(
        description="The beacon value exactly as its source published it", examples=["4 7 1"])


class SeedInputsOut(BaseModel):
    """Who has handed in and revealed their secret (never the secrets before the draw)."""

    committed: list[str]
    revealed: list[str]
    waiting_for: list[str] = Field(description="departments whose commitment (draft) or reveal (committed) is missing")
    beacon: dict[str, str] | None = None


class MemberEntryOut(BaseModel):
    """What a company needs to check its own entry in the published draw record."""

    uscc: str
    salt: str = Field(description="the company's salt (hex): hand it to the company, and to nobody else")
    tag: str = Field(description="BLAKE2b-128(salt || USCC), hex: the company's name in the public record")

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "uscc": "91310000MA1FL4QT5X", "salt": "00112233445566778899aabbccddeeff",
        "tag": "8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f"}]})


class AuditMember(BaseModel):
    uscc: str
    grade: str | None
    red_list: bool
    risk_level: str | None


class AuditRecordOut(BaseModel):
    """The internal half of a draw record: with the public record, everything checks."""

    plan_id: str
    salt_key: str = Field(description="the key every member's salt derives from; its SHA-256 is in the commitment")
    members: list[AuditMember]
