"""Redaction of personal information before anything is stored for publication.

`redact_text` scans free text; `redact_record` applies a per-field `RedactionPolicy`. Fields
a policy does not name are dropped by default: a new upstream field never reaches the public
unreviewed. Findings carry the rule, kind, field and span, never the original value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from shared.redaction import patterns as p


@dataclass(frozen=True)
class RedactionRule:
    rule_id: str
    kind: str
    head: int  # characters kept at the start of a match [cfg]
    tail: int  # characters kept at the end of a match [cfg]
    natural_person_only: bool = False


@dataclass(frozen=True)
class RedactionRuleSet:
    version: str
    effective: date
    rules: tuple[RedactionRule, ...]  # in priority order: earlier wins an overlap

    def rule(self, kind: str) -> RedactionRule:
        return next(r for r in self.rules if r.kind == kind)


# Personal Information Protection Law arts. 28/51 and Government Information Disclosure
# Regulations art. 15: ID numbers, financial accounts, contact details and home addresses of
# natural persons are not disclosed. How much of each value stays visible is [cfg].
REDACTION_RULES: tuple[RedactionRuleSet, ...] = (
    RedactionRuleSet(
        version="redaction-2024.1",
        effective=date(2021, 11, 1),  # PIPL in force
        rules=(
            RedactionRule("RIC-18", "resident_id", head=0, tail=0),
            RedactionRule("RIC-15", "resident_id_legacy", head=0, tail=0),
            RedactionRule("BANK-LUHN", "bank_card", head=0, tail=4),
            RedactionRule("PHONE-MOBILE", "mobile_phone", head=3, tail=0),
            RedactionRule("PHONE-LANDLINE", "landline_phone", head=0, tail=0),
            RedactionRule("EMAIL", "email", head=0, tail=0),
            RedactionRule(
                "ADDR-HOME", "home_address", head=0, tail=0, natural_person_only=True
            ),
            RedactionRule("NAME-PERSON", "person_name", head=1, tail=0),
            RedactionRule("FIELD-DROP", "dropped_field", head=0, tail=0),
        ),
    ),
)

# Which detector finds each kind; the number kinds come from one pass over the text.
_NUMBER_KINDS = {"resident_id": ("resident_id", "resident_id_legacy"), "bank_card": ("bank_card",),
                 "mobile_phone": ("mobile_phone",), "landline_phone": ("landline_phone",)}
_TEXT_DETECTORS = {"email": p.find_emails, "home_address": p.find_home_addresses}


def rules_in_force(as_of: date | None = None) -> RedactionRuleSet:
    as_of = as_of or date.today()
    eligible = [rs for rs in REDACTION_RULES if rs.effective <= as_of]
    if not eligible:
        raise LookupError(f"no redaction rules in force on {as_of.isoformat()}")
    return max(eligible, key=lambda rs: rs.effective)


@dataclass(frozen=True)
class Finding:
    rule_id: str
    kind: str
    rule_version: str
    field: str | None = None
    start: int | None = None
    end: int | None = None


def _mask(rule: RedactionRule, value: str) -> str:
    if rule.kind == "email":
        return p.mask_email(value)
    return p.mask_keep(value, rule.head, rule.tail)


def redact_text(
    text: str,
    *,
    natural_person: bool = False,
    field_name: str | None = None,
    as_of: date | None = None,
) -> tuple[str, list[Finding]]:
    """Mask personal information in free text.

    Home-address patterns are applied only when the party is a natural person: an
    enterprise's registered address is public registration data.
    """
    ruleset = rules_in_force(as_of)
    accepted: list[tuple[int, int, str]] = []
    numbers: list[tuple[int, int, str]] | None = None
    for rule in ruleset.rules:
        if rule.natural_person_only and not natural_person:
            continue
        if rule.kind in _NUMBER_KINDS:
            numbers = p.find_numbers(text) if numbers is None else numbers
            spans = [s for s in numbers if s[2] in _NUMBER_KINDS[rule.kind]]
        elif rule.kind in _TEXT_DETECTORS:
            spans = _TEXT_DETECTORS[rule.kind](text)
        else:
            continue
        for start, end, kind in spans:
            if all(end <= s or start >= e for s, e, _ in accepted):
                accepted.append((start, end, kind))
    accepted.sort()
    out, findings, cursor = [], [], 0
    for start, end, kind in accepted:
        rule = ruleset.rule(kind)
        out.append(text[cursor:start])
        out.append(_mask(rule, text[start:end]))
        cursor = end
        findings.append(
            Finding(rule.rule_id, kind, ruleset.version, field_name, start, end)
        )
    out.append(text[cursor:])
    return "".join(out), findings


class FieldAction(StrEnum):
    KEEP = "keep"
    MASK_PERSON_NAME = "mask_person_name"
    DROP = "drop"
    FREE_TEXT = "free_text"
    MASK_ID = "mask_id"  # a field that holds an ID number: masked whatever its checksum
    PERSONAL_ADDRESS = "personal_address"
    LEGAL_REPRESENTATIVE_NAME = "legal_representative_name"


NATURAL_PERSON_TYPES = frozenset({"natural_person"})
ORGANISATION_TYPES = frozenset(
    {"enterprise", "social_organisation", "public_institution"}
)


@dataclass(frozen=True)
class RedactionPolicy:
    fields: Mapping[str, FieldAction]
    default: FieldAction = FieldAction.DROP
    party_type_field: str = "party_type"
    # [cfg] Penalty publicity names an enterprise's legal representative; conservative
    # deployments can switch this off and get the name masked like any person's.
    publish_legal_representative_name: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    def action(self, name: str) -> FieldAction:
        return FieldAction(self.fields.get(name, self.default))


def mask_personal_address(address: str) -> str:
    """Keep the place down to the road (or district); mask the house number and below."""
    masked, spans = address, p.find_home_addresses(address)
    for start, end, _ in reversed(spans):
        masked = masked[:start] + "*" * (end - start) + masked[end:]
    if spans:
        return masked
    district = re.search(r"^.*?(?:区|县|旗)", address)
    if district:
        return district.group() + "*" * (len(address) - district.end())
    return "*" * len(address)


def _scan(value: Any, *, natural_person: bool, name: str, as_of: date | None):
    if isinstance(value, str):
        return redact_text(
            value, natural_person=natural_person, field_name=name, as_of=as_of
        )
    if isinstance(value, int) and not isinstance(value, bool):
        text, found = redact_text(
            str(value), natural_person=natural_person, field_name=name, as_of=as_of
        )
        return (text if found else value), found
    if isinstance(value, (list, tuple)):
        items, found = [], []
        for item in value:
            v, f = _scan(item, natural_person=natural_person, name=name, as_of=as_of)
            items.append(v)
            found += f
        return items, found
    if isinstance(value, Mapping):
        # Nested structures get the same scan: no way to know which keys are structured.
        out, found = {}, []
        for k, item in value.items():
            v, f = _scan(
                item, natural_person=natural_person, name=f"{name}.{k}", as_of=as_of
            )
            out[k] = v
            found += f
        return out, found
    return value, []


def redact_record(
    record: Mapping[str, Any], policy: RedactionPolicy, *, as_of: date | None = None
) -> tuple[dict[str, Any], list[Finding]]:
    """Apply `policy` field by field; return the publishable record and what was changed."""
    ruleset = rules_in_force(as_of)
    party_type = record.get(policy.party_type_field)
    natural_person = party_type in NATURAL_PERSON_TYPES or party_type is None
    out: dict[str, Any] = {}
    findings: list[Finding] = []

    def found(kind: str, name: str) -> None:
        rule = ruleset.rule(kind)
        findings.append(Finding(rule.rule_id, kind, ruleset.version, name))

    for name, value in record.items():
        action = policy.action(name)
        if action is FieldAction.DROP:
            found("dropped_field", name)
            continue
        if value is None or action is FieldAction.KEEP:
            out[name] = value
        elif action is FieldAction.FREE_TEXT:
            out[name], f = _scan(
                value, natural_person=natural_person, name=name, as_of=as_of
            )
            findings += f
        elif action is FieldAction.MASK_PERSON_NAME:
            out[name] = p.mask_person_name(str(value))
            found("person_name", name)
        elif action is FieldAction.LEGAL_REPRESENTATIVE_NAME:
            if (
                policy.publish_legal_representative_name
                and party_type in ORGANISATION_TYPES
            ):
                out[name] = value
            else:
                out[name] = p.mask_person_name(str(value))
                found("person_name", name)
        elif action is FieldAction.MASK_ID:
            out[name] = p.mask_keep(str(value), 0, 0)
            found("resident_id", name)
        elif action is FieldAction.PERSONAL_ADDRESS:
            # Marked as a person's address (the party's or e.g. a representative's): always.
            out[name] = mask_personal_address(str(value))
            found("home_address", name)
    return out, findings
