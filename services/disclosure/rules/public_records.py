"""What each publishable event becomes: a raw public record (before redaction) and its facts.

Pure mapping from the producers' contract payloads to plain dicts. Field names are the bulk
CSV columns (`bulk.CSV_COLUMNS`) plus a few extras the site shows; `redaction_policies`
decides what of each survives.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from services.disclosure.rules.publicity import RecordType
from shared.contracts.casework import DecisionIssued
from shared.contracts.codes import DecisionKind, PenaltyKind, RecordKind
from shared.contracts.credit import CreditRecordAdded, ListEntered, ListExited
from shared.contracts.inspection import DrawCompleted, PlanPublished, ResultRecorded
from shared.identifiers import is_natural_person, is_valid_uscc
from shared.pseudonym import PREFIX as PSEUDONYM_PREFIX

NATURAL_PERSON = "natural_person"
ORGANISATION = "enterprise"
# Credit record kinds published as licences (incl. licences granted on notification and commitment).
LICENCE_KINDS = frozenset({RecordKind.LICENCE, RecordKind.LICENCE_COMMITMENT})
# Casework decision kinds that are penalties (the others are not penalty decisions).
PENALTY_DECISION_KINDS = frozenset({DecisionKind.PENALTY})
K = PenaltyKind
# The public's words for every penalty kind (APL art. 9); a test checks none is missing.
PENALTY_LABELS: dict[PenaltyKind, str] = {
    K.WARNING: "警告", K.CIRCULATED_CRITICISM: "通报批评", K.FINE: "罚款",
    K.CONFISCATION_OF_ILLEGAL_GAINS: "没收违法所得", K.CONFISCATION_OF_ILLEGAL_PROPERTY: "没收非法财物",
    K.LICENCE_SUSPENSION: "暂扣许可证件", K.QUALIFICATION_LOWERING: "降低资质等级", K.LICENCE_REVOCATION: "吊销许可证件",
    K.BUSINESS_RESTRICTION: "限制开展生产经营活动", K.SUSPENSION: "责令停产停业", K.CLOSURE: "责令关闭",
    K.EMPLOYMENT_RESTRICTION: "限制从业", K.DETENTION: "行政拘留", K.OTHER: "其他行政处罚"}

_RESULT_LABELS = {"passed": "未发现问题", "corrected_on_spot": "发现问题已责令改正", "problems_found": "发现问题",
                  "not_found": "未发现企业"}
_LIST_LABELS = {"abnormal": "经营异常名录", "serious_dishonesty": "严重失信主体名单", "red": "守信红名单"}


@dataclass(frozen=True)
class Draft:
    """A record ready for redaction: the raw fields plus what the window and deadline rules need."""

    record_type: RecordType
    source_key: str
    source_ref: str | None
    uscc: str | None  # public identifier; None when the party has none that may be shown
    authority: str
    decided_on: date
    raw: dict[str, Any]
    facts: dict[str, Any] = field(default_factory=dict)
    publication_due: date | None = None  # when the producer already fixed it


def jsonable(value: Any) -> Any:
    """Plain JSON values the canonical encoder accepts: no floats, no Decimals, dates as text."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, (float, Decimal)):
        return format(Decimal(str(value)).normalize(), "f") if isinstance(value, float) else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    return str(value)


def party(identifier: str, kind: str | None = None) -> tuple[str | None, str, dict[str, Any]]:
    """(public USCC or None, party type, extra raw fields) for a party identifier.

    The party's type follows from its code (shared.identifiers.party_kind_of): an individual
    business (USCC 92...) is run by a natural person, so its address and numbers are personal;
    a producer's `kind` can only add that a party is a person, never take it away. A natural
    person identified by a resident ID number (or its pseudonym) gets no searchable code: the
    number goes into `party_id_number`, which the policy masks whole.
    """
    code = (identifier or "").strip().upper()
    natural = kind == "person" or is_natural_person(code) or code.startswith(PSEUDONYM_PREFIX.upper())
    party_type = NATURAL_PERSON if natural else ORGANISATION
    if is_valid_uscc(code):
        return code, party_type, {"uscc": code}
    if code:
        return None, party_type, {"uscc": None, "party_id_number": code}
    return None, party_type, {"uscc": None}


def from_plan(p: PlanPublished, published_on: date) -> Draft:
    raw = {"record_type": RecordType.INSPECTION_PLAN.value, "party_type": None, "plan_no": p.plan_id,
           "title": p.name, "department": ";".join(p.departments), "departments": list(p.departments),
           "items": list(p.item_codes), "scope": json.dumps(jsonable(p.scope), ensure_ascii=False, sort_keys=True),
           "period_start": p.period_start, "period_end": p.period_end, "ratio": p.ratios,
           "ratio_version": p.ratio_version, "seed_commitment": p.seed_commitment,
           "population_root": p.population_root, "population_size": p.population_size, "joint": p.joint,
           "commitment": jsonable(p.commitment)}
    return Draft(RecordType.INSPECTION_PLAN, p.plan_id, p.plan_id, None, p.departments[0] if p.departments else "",
                 published_on, jsonable(raw))


def from_draw(p: DrawCompleted) -> Draft:
    record = p.record or {}
    assignment = record.get("assignment") or {}
    raw = {"record_type": RecordType.INSPECTION_DRAW.value, "party_type": None, "plan_no": p.plan_id,
           "plan_name": p.plan_name, "departments": list(p.departments), "drawn_at": p.drawn_on,
           "seed_commitment": record.get("seed_commitment"), "population_root": record.get("population_root"),
           "objects_drawn": p.selected_count, "inspectors_drawn": len(assignment.get("inspectors") or []),
           "verification": record}
    return Draft(RecordType.INSPECTION_DRAW, p.plan_id, p.plan_id, None, p.departments[0] if p.departments else "",
                 p.drawn_on, jsonable(raw))


def from_result(p: ResultRecorded) -> Draft:
    uscc, party_type, ids = party(p.uscc)
    raw = {"record_type": RecordType.INSPECTION_RESULT.value, "party_type": party_type, **ids,
           "subject_name": p.subject_name, "plan_no": p.plan_id, "item": list(p.item_codes),
           "result": p.outcome, "task_kind": p.task_kind, "problems": p.problems, "inspected_on": p.inspected_on,
           "department": p.department, "matter_code": p.matter_code}
    return Draft(RecordType.INSPECTION_RESULT, p.result_id, p.result_id, uscc, p.department, p.inspected_on,
                 jsonable(raw), publication_due=p.publication_due)


def penalty_is_decision(p: DecisionIssued) -> bool:
    return p.publishable and p.decision_kind in PENALTY_DECISION_KINDS


def from_decision(p: DecisionIssued) -> Draft:
    uscc, party_type, ids = party(p.uscc, p.party_kind)
    raw = {"record_type": RecordType.PENALTY_DECISION.value, "party_type": party_type, **ids,
           "subject_name": p.party_name, "decision_no": p.decision_number,
           "violation_type": p.violation_name or p.violation_type,
           "penalty_kinds": list(p.penalty_kinds), "fine_amount": p.fine_amount,
           "confiscation_amount": p.confiscation_amount, "severity": p.severity, "basis": p.legal_basis,
           "authority": p.department, "decided_on": p.decided_on, "summary": p.summary}
    if p.replaces:  # the new version of a changed decision names the one it replaces
        raw["replaces"] = p.replaces
    facts = {"penalty_kinds": list(p.penalty_kinds), "fine_amount": p.fine_amount, "party_type": party_type}
    return Draft(RecordType.PENALTY_DECISION, p.decision_id, p.decision_number, uscc, p.department, p.decided_on,
                 jsonable(raw), facts)


def from_credit_record(p: CreditRecordAdded) -> Draft:
    uscc, party_type, ids = party(p.uscc)
    raw = {"record_type": RecordType.LICENCE.value, "party_type": party_type, **ids,
           "subject_name": p.subject_name, "licence_no": p.source_ref or p.record_id, "licence_name": p.summary,
           "kind": p.kind, "by_commitment": p.kind == "licence_commitment", "basis": p.legal_basis,
           "authority": p.department, "decided_on": p.decision_date, "valid_from": p.publicity_start,
           "valid_until": p.publicity_end}
    return Draft(RecordType.LICENCE, p.record_id, p.source_ref, uscc, p.department, p.decision_date,
                 jsonable(raw), {"valid_until": p.publicity_end})


def from_list_entry(p: ListEntered) -> Draft:
    uscc, party_type, ids = party(p.uscc)
    raw = {"record_type": RecordType.LIST_ENTRY.value, "party_type": party_type, **ids,
           "subject_name": p.subject_name, "list_kind": p.list_kind, "reason": p.reason, "basis": p.basis,
           "authority": p.department, "decided_on": p.entered_on}
    return Draft(RecordType.LIST_ENTRY, p.entry_id, p.entry_id, uscc, p.department, p.entered_on, jsonable(raw))


def from_list_exit(p: ListExited) -> Draft:
    uscc, party_type, ids = party(p.uscc)
    raw = {"record_type": RecordType.LIST_EXIT.value, "party_type": party_type, **ids,
           "subject_name": p.subject_name, "list_kind": p.list_kind, "reason": p.reason,
           "authority": p.department, "decided_on": p.exited_on}
    return Draft(RecordType.LIST_EXIT, p.entry_id, p.entry_id, uscc, p.department, p.exited_on, jsonable(raw))


TYPE_LABELS = {
    RecordType.INSPECTION_PLAN: "抽查计划", RecordType.INSPECTION_DRAW: "抽取结果",
    RecordType.INSPECTION_RESULT: "抽查检查结果", RecordType.PENALTY_DECISION: "行政处罚",
    RecordType.LICENCE: "行政许可", RecordType.LIST_ENTRY: "列入名单", RecordType.LIST_EXIT: "移出名单",
}


def title_of(record_type: RecordType | str, public: dict[str, Any]) -> str:
    """A one-line title built from the redacted record only."""
    rt = RecordType(record_type)
    label = TYPE_LABELS[rt]
    name = public.get("subject_name") or ""
    if rt is RecordType.PENALTY_DECISION:
        return f"{label} {public.get('decision_no', '')} {name}".strip()
    if rt is RecordType.INSPECTION_RESULT:
        return f"{label} {name}：{_RESULT_LABELS.get(public.get('result', ''), public.get('result', ''))}"
    if rt in (RecordType.LIST_ENTRY, RecordType.LIST_EXIT):
        return f"{label} {name}：{_LIST_LABELS.get(public.get('list_kind', ''), public.get('list_kind', ''))}"
    if rt is RecordType.LICENCE:
        return f"{label} {name}：{public.get('licence_name') or public.get('licence_no', '')}"
    if rt is RecordType.INSPECTION_PLAN:
        return f"{label} {public.get('title', '')}"
    return f"{label} {public.get('plan_name', '')}"
