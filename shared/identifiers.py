"""Identifiers of market participants and persons.

USCC: GB 32100-2015 (18 characters, mod-31 check character) via python-stdnum, strict by
default, with an allow-list for the few real early codes that fail the checksum.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from stdnum.cn import ric, uscc
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)

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


# The check character in one C call: 34 = 3 (mod 31), so reading the first 17 characters (as
# their alphabet indices, last first) as a base-34 number gives sum(index * 3^(i-1)) mod 31.
# Characters outside the alphabet become "!", which int() refuses.
_USCC_AS_DIGITS = str.maketrans(
    {**{c: "!" for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"},
     **{c: "0123456789abcdefghijklmnopqrstu"[i] for i, c in enumerate(_USCC_ALPHABET)}})


def _uscc_ok(code: str) -> bool:
    """The checks of stdnum's uscc.validate (length, digits 1-8, alphabet, check character),
    without its exception machinery: bulk imports validate millions of codes."""
    if len(code) != 18 or not code.isascii() or not code[:8].isdigit() or not code.isalnum():
        return False
    digits = code.translate(_USCC_AS_DIGITS)
    try:
        total = int(digits[16::-1], 34)
    except ValueError:
        return False
    return digits[17] != "!" and code[17] == _USCC_ALPHABET[-total % 31]


def is_canonical_uscc(code: str) -> bool:
    """True for a USCC already in canonical form (upper case, no separators) that passes every check
    of GB 32100-2015; False for anything else, including the legacy allow-list (validate_uscc decides)."""
    return _uscc_ok(code)


def _compact(value: str, compact) -> str:
    # stdnum's compact maps look-alike Unicode characters and drops separators; a plain ASCII
    # alphanumeric value (nearly every real one) only needs upper-casing.
    return value.upper() if value.isascii() and value.isalnum() else compact(value)


def validate_uscc(value: str) -> str:
    """Return the normalised USCC or raise InvalidIdentifier naming the rule broken."""
    code = _compact(value or "", uscc.compact)
    if _uscc_ok(code):
        return code
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


@lru_cache(maxsize=65536)
def _birth_place_known(region: str, year: int) -> bool:
    try:
        ric.get_birth_place(region + f"{year:04d}0101" + "0000")
        return True
    except (ValidationError, KeyError):  # stdnum raises KeyError for some regions it half-knows
        return False


def is_resident_id(value: str) -> bool:
    """True for a valid Resident Identity Card number (GB 11643).

    The same checks as stdnum's ric.is_valid; the birth-place look-up (the slow part) is
    cached per region code and year, since bulk imports check millions of numbers."""
    try:
        v = _compact(value, ric.compact)
    except ValidationError:
        return False
    body = v[:17]
    if len(v) != 18 or not body.isdigit() or not body.isascii():
        return False
    if v[17] != "0123456789X"[(1 - 2 * int(body, 13)) % 11]:  # ric.calc_check_digit, without compacting again
        return False
    year = int(v[6:10])
    try:
        date(year, int(v[10:12]), int(v[12:14]))  # ric.get_birth_date
    except ValueError:
        return False
    return _birth_place_known(v[:6], year)


def mask_resident_id(value: str) -> str:
    """Keep the region prefix and the check character only: personal information is never shown whole."""
    v = ric.compact(value)
    return v[:6] + "*" * (len(v) - 7) + v[-1:] if len(v) > 7 else "*" * len(v)
