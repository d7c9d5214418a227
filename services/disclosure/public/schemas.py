"""API models of the public records: one record, pages of them, a subject's history, a draw."""

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


class DrawOut(BaseModel):
    plan_id: str = Field(examples=[_ID])
    plan: PublicRecord | None = None
    draw: PublicRecord | None = None
    seed: str | None = Field(None, description="the seed revealed after the draw, hex")
    seed_matches_commitment: bool | None = Field(None, description="the draw ran under the commitment logged with the plan, whose document hashes to it")
    population_root_matches_plan: bool | None = None
    selected: list[str] = Field(default_factory=list, examples=[[_USCC]])


class LoggedPublication(BaseModel):
    publication_id: str
    index: int = Field(description="its 'publish' entry in the log")
    entry: str = Field(description="the leaf data; its record_hash is the hash of `content`")
    content: dict[str, Any]
    audit_path: list[str] = Field(description="RFC 6962 inclusion proof of the entry in `tree_head`")


class DrawEvidenceOut(BaseModel):
    """The signed log's evidence for one draw (see `supervision verify-draw`)."""

    format: str = Field(examples=["draw-evidence/1"])
    plan_id: str = Field(examples=[_ID])
    key: dict[str, str] = Field(description="key_id and public_key_pem of the tree-head signing key")
    tree_head: dict[str, Any] = Field(description="the latest signed tree head")
    plan: LoggedPublication
    draw: LoggedPublication | None = None
    consistency: dict[str, Any] | None = Field(None, description="consistency proof from `since` to the head")
