"""Which field of each public record type is kept, scanned, masked or dropped.

A field not named in a policy is dropped (the `RedactionPolicy` default), so a new upstream
field never reaches the public unreviewed. The party's name is kept for organisations and
masked for natural persons; free text is scanned for ID numbers, phones, e-mails, bank cards
and (for natural persons) home addresses; a natural person's own name is masked wherever it
appears in the record's text as well.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from services.disclosure.rules.publicity import RecordType
from shared.redaction.rules import (
    NATURAL_PERSON_TYPES,
    FieldAction,
    Finding,
    RedactionPolicy,
    redact_record,
    rules_in_force,
)
from shared.redaction.patterns import mask_person_name

K, T = FieldAction.KEEP, FieldAction.FREE_TEXT
# The party's name: published for organisations, masked for natural persons (PIPL art. 28).
PARTY_NAME = FieldAction.LEGAL_REPRESENTATIVE_NAME
_COMMON = {"record_type": K, "party_type": K}
_PARTY = {"subject_name": PARTY_NAME, "uscc": K, "party_id_number": FieldAction.MASK_ID}

POLICIES: dict[RecordType, RedactionPolicy] = {
    RecordType.INSPECTION_PLAN: RedactionPolicy({
        **_COMMON, "plan_no": K, "title": T, "department": K, "departments": K, "items": K, "scope": T,
        "period_start": K, "period_end": K, "ratio": K, "ratio_version": K, "seed_commitment": K,
        "population_root": K, "population_size": K, "joint": K, "commitment": K,
    }),
    RecordType.INSPECTION_DRAW: RedactionPolicy({
        **_COMMON, "plan_no": K, "plan_name": T, "departments": K, "drawn_at": K, "seed_commitment": K,
        "population_root": K, "objects_drawn": K, "inspectors_drawn": K, "verification": T,
    }),
    RecordType.INSPECTION_RESULT: RedactionPolicy({
        **_COMMON, **_PARTY, "plan_no": K, "item": K, "result": K, "task_kind": K, "problems": T,
        "inspected_on": K, "department": K, "matter_code": K,
    }),
    # Summary only (number, party, violation, penalty, authority, date): the full text is not published.
    RecordType.PENALTY_DECISION: RedactionPolicy({
        **_COMMON, **_PARTY, "decision_no": K, "violation_type": T, "penalty_kinds": K, "fine_amount": K,
        "confiscation_amount": K, "severity": K, "basis": T, "authority": K, "decided_on": K, "summary": T,
        "replaces": K,
    }),
    RecordType.LICENCE: RedactionPolicy({
        **_COMMON, **_PARTY, "licence_no": K, "licence_name": T, "kind": K, "by_commitment": K, "basis": T,
        "authority": K, "decided_on": K, "valid_from": K, "valid_until": K,
    }),
    RecordType.LIST_ENTRY: RedactionPolicy({
        **_COMMON, **_PARTY, "list_kind": K, "reason": T, "basis": T, "authority": K, "decided_on": K,
    }),
    RecordType.LIST_EXIT: RedactionPolicy({
        **_COMMON, **_PARTY, "list_kind": K, "reason": T, "authority": K, "decided_on": K,
    }),
}


def _replace_names(value: Any, names: list[tuple[str, str]]) -> tuple[Any, int]:
    if isinstance(value, str):
        hits = 0
        for name, masked in names:
            if name in value:
                hits += value.count(name)
                value = value.replace(name, masked)
        return value, hits
    if isinstance(value, list):
        out, hits = [], 0
        for item in value:
            v, h = _replace_names(item, names)
            out.append(v)
            hits += h
        return out, hits
    if isinstance(value, Mapping):
        out_map, hits = {}, 0
        for k, item in value.items():
            v, h = _replace_names(item, names)
            out_map[k] = v
            hits += h
        return out_map, hits
    return value, 0


def mask_known_person_names(
    record: Mapping[str, Any], names: Iterable[str], *, as_of: date | None = None
) -> tuple[dict[str, Any], list[Finding]]:
    """Mask every occurrence of the given natural persons' names anywhere in the record.

    PIPL art. 28: a person's name is personal information; free-text scanners cannot find
    names, but the record itself says who the person is, so that name is masked everywhere.
    """
    pairs = sorted({(n, mask_person_name(n)) for n in names if n and len(n.strip()) >= 2},
                   key=lambda p: -len(p[0]))
    if not pairs:
        return dict(record), []
    rule = rules_in_force(as_of).rule("person_name")
    out: dict[str, Any] = {}
    findings: list[Finding] = []
    for key, value in record.items():
        out[key], hits = _replace_names(value, pairs)
        findings += [Finding(rule.rule_id, rule.kind, rules_in_force(as_of).version, key)] * hits
    return out, findings


def redact_for_publication(
    record_type: RecordType | str, record: Mapping[str, Any], *, as_of: date | None = None
) -> tuple[dict[str, Any], list[Finding]]:
    """The publishable form of a raw record: its type's policy, then natural persons' names."""
    policy = POLICIES[RecordType(record_type)]
    public, findings = redact_record(record, policy, as_of=as_of)
    if record.get("party_type") in NATURAL_PERSON_TYPES and record.get("subject_name"):
        public, more = mask_known_person_names(public, [str(record["subject_name"])], as_of=as_of)
        findings += more
    return public, findings
