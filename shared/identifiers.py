"""Identifiers of market participants and persons.

USCC: GB 32100-2015 (18 characters, mod-31 check character) via python-stdnum, strict by
default, with an allow-list for the few real early codes that fail the checksum.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

# Real codes issued before the check was enforced; extend through SUP_USCC_LEGACY_ALLOW (comma separated).
LEGACY_USCC_ALLOW = frozenset({"91350100M0001TGQXM"})

_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass(frozen=True)
class InvalidIdentifier(ValueError):
    rule: str
    message: str

    def __str__(self) -> str:
        return self.message


def _legacy_allow() -> frozenset[str]:
    extra = os.environ.get("SUP_USCC_LEGACY_ALLOW", "")
    return LEGACY_USCC_ALLOW | {c.strip().upper() for c in extra.split(",") if c.strip()}


def uscc_check_character(first17: str) -> str:
    """GB 32100-2015 §4.3: check character over positions 1-17, weights 3^(i-1) mod 31."""
    return uscc.calc_check_digit(first17)


def validate_uscc(value: str) -> str:
    """Return the normalised USCC or raise InvalidIdentifier naming the rule broken."""
    code = uscc.compact(value or "")
    if code in _legacy_allow():
        return code
    try:
        return uscc.validate(code)
    except InvalidLength:
        raise InvalidIdentifier("uscc.length", f"a USCC has 18 characters, got {len(code)}") from None
    except InvalidChecksum:
        expected = uscc_check_character(code[:17])
        raise InvalidIdentifier(
            "uscc.check_character",
            f"check character (position 18) should be '{expected}', got '{code[17]}'",
        ) from None
    except (InvalidFormat, InvalidComponent):
        bad = [c for c in code if c not in _USCC_ALPHABET]
        detail = f"characters not allowed in a USCC: {''.join(sorted(set(bad)))}" if bad else "malformed USCC"
        raise InvalidIdentifier("uscc.format", detail) from None
    except ValidationError as exc:  # any other stdnum rule
        raise InvalidIdentifier("uscc.invalid", str(exc)) from None


def is_valid_uscc(value: str) -> bool:
    try:
        validate_uscc(value)
        return True
    except InvalidIdentifier:
        return False


def is_resident_id(value: str) -> bool:
    """True for a valid Resident Identity Card number (GB 11643)."""
    return ric.is_valid(value)


def mask_resident_id(value: str) -> str:
    """Keep the region prefix and the check character only: personal information is never shown whole."""
    v = ric.compact(value)
    return v[:6] + "*" * (len(v) - 7) + v[-1:] if len(v) > 7 else "*" * len(v)
