"""Public API models of the disclosure service (apart from the tables in models.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from services.disclosure.rules.publicity import RecordType

_USCC = "91310115MA1K4LXY2B"
_ID = "01936f0e-7c1a-7b3e-9f41-5a2c8d9e0b11"
_HASH = "3f5a1c0e9b7d2a4c6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d"


class PublicRecord(BaseModel):
    """One record as the public sees it: redacted content, window, timeliness, place in the log."""

    id: str = Field(description="publication id (UUIDv7)", examples=[_ID])
    record_type: RecordType = Field(examples=["penalty_decision"])
    title: str = Field(examples=["行政处罚 沪市监处〔2026〕101号 上海示例贸易有限公司"])
    uscc: str | None = Field(None, description="the subject's USCC; absent for natural persons", examples=[_USCC])
    subject_name: str | None = Field(None, examples=["上海示例贸易有限公司"])
    authority: str = Field(description="department code of the publishing authority", examples=["scjgj"])
    district: str | None = Field(None, examples=["310115"])
    industry_code: str | None = Field(None, examples=["F51"])
    decided_on: date = Field(examples=["2026-11-02"])
    published_on: date = Field(examples=["2026-11-05"])
    window_end: date | None = Field(None, description="leaves the public view on this day; none: until withdrawn",
                                    examples=["2029-11-05"])
    on_time: bool = Field(description="published within its statutory deadline(s)", examples=[True])
    content: dict[str, Any] = Field(description="the redacted record; its canonical JSON hashes to record_hash",
                                    examples=[{"decision_no": "沪市监处〔2026〕101号", "fine_amount": "5000"}])
    record_hash: str = Field(description="SHA-256 of the canonical JSON of `content`", examples=[_HASH])
    log_index: int = Field(description="index of the publication's leaf in the Merkle log", examples=[41])


class RecordPage(BaseModel):
    items: list[PublicRecord]
    next_cursor: str | None = Field(None, description="pass as `cursor` for the next (older) page")


class GradeView(BaseModel):
    grade: str = Field(examples=["B"])
    as_of: date | None = Field(None, examples=["2026-10-01"])
    rule_set_version: str | None = Field(None, examples=["grading-2026.1"])


class SubjectHistory(BaseModel):
    uscc: str = Field(examples=[_USCC])
    name: str | None = Field(None, examples=["上海示例贸易有限公司"])
    district: str | None = Field(None, examples=["310115"])
    industry_code: str | None = Field(None, examples=["F51"])
    grade: GradeView | None = Field(None, description="current credit grade, where grades are published")
    counts: dict[str, int] = Field(description="records now public, per record type",
                                   examples=[{"penalty_decision": 1, "inspection_result": 2}])
    items: list[PublicRecord]
    next_cursor: str | None = None


class TreeHeadOut(BaseModel):
    model_config = {"json_schema_extra": {"examples": [{
        "tree_size": 42, "root_hash": _HASH, "timestamp": "2026-11-05T02:03:04.123456Z",
        "signature": "ab" * 64, "key_id": "9c1e0f2a3b4c5d6e", "algorithm": "Ed25519"}]}}

    tree_size: int
    root_hash: str
    timestamp: str = Field(description="UTC, ISO 8601 with Z, exactly as signed")
    signature: str = Field(description="Ed25519 over 'supervision-disclosure-tree-head:v1\\n' + canonical "
                                       "JSON of {root_hash, timestamp, tree_size}, hex")
    key_id: str
    algorithm: str = "Ed25519"


class PublicKeyOut(BaseModel):
    key_id: str = Field(examples=["9c1e0f2a3b4c5d6e"])
    algorithm: str = Field("Ed25519", examples=["Ed25519"])
    public_key_pem: str = Field(examples=["-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA...\n-----END PUBLIC KEY-----\n"])


class LogEntryOut(BaseModel):
    index: int = Field(examples=[41])
    leaf_hash: str = Field(description="SHA-256(0x00 || entry bytes), hex", examples=[_HASH])
    entry: str = Field(description="the leaf data: canonical JSON of {seq, action, record_id, record_hash, at}",
                       examples=[('{"action":"publish","at":"2026-11-05T02:03:04Z","record_hash":"3f5a…",'
                                  '"record_id":"01936f0e-…","seq":41}')])
    action: str = Field(examples=["publish"])
    record_id: str = Field(examples=[_ID])
    reason: str | None = Field(None, examples=["credit_repair_approved"])


class RecordLogEntries(BaseModel):
    record_id: str = Field(examples=[_ID])
    entries: list[LogEntryOut]


class InclusionProofOut(BaseModel):
    model_config = {"json_schema_extra": {"examples": [{
        "index": 41, "tree_size": 42, "leaf_hash": _HASH, "root_hash": _HASH, "audit_path": [_HASH]}]}}

    index: int
    tree_size: int
    leaf_hash: str
    root_hash: str
    audit_path: list[str] = Field(description="RFC 6962 audit path, leaf to root, hex")


class ConsistencyProofOut(BaseModel):
    model_config = {"json_schema_extra": {"examples": [{
        "first": 10, "second": 42, "first_root": _HASH, "second_root": _HASH, "proof": [_HASH]}]}}

    first: int
    second: int
    first_root: str
    second_root: str
    proof: list[str] = Field(description="RFC 6962 consistency proof, hex")


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


class DrawOut(BaseModel):
    plan_id: str = Field(examples=[_ID])
    plan: PublicRecord | None = None
    draw: PublicRecord | None = None
    seed: str | None = Field(None, description="the seed revealed after the draw, hex")
    seed_matches_commitment: bool | None = Field(None, description="SHA-256(seed) equals the pre-draw commitment")
    population_root_matches_plan: bool | None = None
    selected: list[str] = Field(default_factory=list, examples=[[_USCC]])
