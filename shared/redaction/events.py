"""What of a payload may enter the outbox: the producer's redaction before an event leaves it.

Every text value of an event is scanned with the same rules disclosure applies (ID numbers,
phones, e-mails, bank cards, and a natural person's home address); an identifier field that
holds a resident ID number carries a keyed pseudonym instead. Consumers still tell parties
apart, and no event carries a person's numbers or address in clear (PIPL arts. 6, 51).
"""

from __future__ import annotations

import re
from typing import Any

from shared.identifiers import is_natural_person, is_resident_id
from shared.pseudonym import pseudonym
from shared.redaction.rules import redact_text

# Fields that hold codes, not prose: never scanned as text (a UUID's digit groups may look
# like a card number), but an ID number found in one is replaced by its pseudonym.
_CODE_SUFFIXES = ("id", "ids", "_ref", "uscc", "usccs", "hash", "hashes", "root", "commitment", "seed",
                  "selected", "_no", "number", "version", "type", "kind", "kinds", "code", "codes")


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def _is_code_field(key: str) -> bool:
    return key.endswith(_CODE_SUFFIXES)


def natural_person_party(data: dict[str, Any]) -> bool:
    """Whether the event is about a natural person; when it names no party at all, assume so
    (masking an address too many is the safe error)."""
    if data.get("party_kind") == "person":
        return True
    code = data.get("uscc")
    if not isinstance(code, str) or not code:
        return True
    return is_natural_person(code)


def _code(value: Any) -> Any:
    if isinstance(value, str) and is_resident_id(value):
        return pseudonym(value)
    if isinstance(value, list):
        return [_code(v) for v in value]
    return value


def _text(value: Any, natural_person: bool) -> Any:
    if isinstance(value, str):
        if _UUID.fullmatch(value):
            return value
        return _code(value) if is_resident_id(value) else redact_text(value, natural_person=natural_person)[0]
    if isinstance(value, list):
        return [_text(v, natural_person) for v in value]
    if isinstance(value, dict):
        return _walk(value, natural_person)
    return value


def _walk(data: dict[str, Any], natural_person: bool) -> dict[str, Any]:
    return {k: (_code(v) if _is_code_field(k) and not isinstance(v, dict) else _text(v, natural_person))
            for k, v in data.items()}


def minimise_event_data(data: dict[str, Any]) -> dict[str, Any]:
    """The JSON form of a payload as it may leave the producer."""
    return _walk(data, natural_person_party(data))
