"""Identifiers of market participants and persons.

USCC: GB 32100-2015 (18 characters, mod-31 check character) via python-stdnum, strict by
default, with an allow-list for the few real early codes that fail the checksum.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import compress, count, repeat
from operator import mod, ne

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


# --- whole batches (bulk imports) -------------------------------------------------------------
# The common batch, every value 18 ASCII characters of the right kinds, is checked with a few C-level
# passes over the values joined into bytes; any other batch value by value, with the functions above.

_USCC_BASE34 = bytes(ord("0123456789abcdefghijklmnopqrstu"[_USCC_ALPHABET.index(chr(b))])
                     if chr(b) in _USCC_ALPHABET else ord("!") for b in range(256))
_USCC_CHECK_FOR = bytes(ord(_USCC_ALPHABET[-r % 31]) for r in range(31))  # total mod 31 -> check character
_REVERSED_BODIES = re.compile(rb".(.{17})", re.DOTALL).findall  # over reversed codes: check character, then 17
_RIC_CHECK_FOR = bytes(ord("0123456789X"[(1 - 2 * r) % 11]) for r in range(11))  # body (base 13) mod 11
_RIC_BODIES = re.compile(rb"(.{17}).", re.DOTALL).findall
_RIC_BIRTH_DATES = re.compile(rb".{6}(.{8}).{4}", re.DOTALL).findall  # YYYYMMDD
_RIC_BIRTH_PLACES = re.compile(rb"(.{10}).{8}", re.DOTALL).findall  # region and birth year
_MEMO_LIMIT = 100_000
_good_birth_dates: set[bytes] = set()
_good_birth_places: set[bytes] = set()


def _all_18_ascii(values: Sequence[str]) -> bytes | None:
    joined = "".join(values)
    if values and len(joined) == 18 * len(values) and joined.isascii() and max(map(len, values)) == 18:
        return joined.encode("ascii")
    return None


def non_canonical_usccs(codes: Sequence[str]) -> list[int]:
    """Indices of the codes that is_canonical_uscc refuses, in order."""
    raw = _all_18_ascii(codes)
    if raw is not None:
        digits = raw.translate(_USCC_BASE34)
        if b"!" not in digits and all(raw[k::18].isdigit() for k in range(8)):
            # As in _uscc_ok: the first 17 characters, last first, read in base 34.
            totals = map(int, _REVERSED_BODIES(digits[::-1]), repeat(34))
            expected = bytes(map(_USCC_CHECK_FOR.__getitem__, map(mod, totals, repeat(31))))[::-1]
            actual = raw[17::18]
            return [] if expected == actual else list(compress(count(), map(ne, expected, actual)))
    return [i for i, c in enumerate(codes) if not _uscc_ok(c)]


def _unknown(keys: list[bytes], good: set[bytes], test: Callable[[bytes], bool]) -> set[bytes]:
    """The keys that fail `test`, testing only those not already known good (and remembering them)."""
    failed = set()
    for k in set(keys).difference(good):
        if not test(k):
            failed.add(k)
        elif len(good) < _MEMO_LIMIT:
            good.add(k)
    return failed


def _birth_date_ok(key: bytes) -> bool:
    try:
        date(int(key[:4]), int(key[4:6]), int(key[6:]))
        return True
    except ValueError:
        return False


def invalid_resident_ids(values: Sequence[str]) -> list[int]:
    """Indices of the values that is_resident_id refuses, in order."""
    raw = _all_18_ascii(values)
    if raw is not None:
        raw = raw.upper()
        checks = raw[17::18]
        if all(raw[k::18].isdigit() for k in range(17)) and not checks.translate(None, b"0123456789X"):
            totals = map(int, _RIC_BODIES(raw), repeat(13))
            expected = bytes(map(_RIC_CHECK_FOR.__getitem__, map(mod, totals, repeat(11))))
            bad = set() if expected == checks else set(compress(count(), map(ne, expected, checks)))
            dates, places = _RIC_BIRTH_DATES(raw), _RIC_BIRTH_PLACES(raw)
            bad_dates = _unknown(dates, _good_birth_dates, _birth_date_ok)
            bad_places = _unknown(places, _good_birth_places, lambda k: _birth_place_known(k[:6].decode(), int(k[6:])))
            if bad_dates or bad_places:
                bad.update(i for i, (d, p) in enumerate(zip(dates, places)) if d in bad_dates or p in bad_places)
            return sorted(bad)
    return [i for i, v in enumerate(values) if not is_resident_id(v)]


def mask_resident_id(value: str) -> str:
    """Keep the region prefix and the check character only: personal information is never shown whole."""
    v = ric.compact(value)
    return v[:6] + "*" * (len(v) - 7) + v[-1:] if len(v) > 7 else "*" * len(v)


# --- what kind of party an identifier names ----------------------------------------------------

# GB 32100-2015 §4.1 (code table of registration authorities and organisation types): "9" market
# regulation, then "1" enterprise, "2" individual business (个体工商户), "3" farmers' cooperative.
# An individual business is run by a natural person, so its data is that person's data (PIPL art. 4).
INDIVIDUAL_BUSINESS_PREFIX = "92"
PARTY_ORGANISATION, PARTY_INDIVIDUAL_BUSINESS, PARTY_PERSON = "organisation", "individual_business", "person"


def party_kind_of(identifier: str | None) -> str | None:
    """organisation | individual_business | person for an identifier, None when it is neither a
    USCC nor a resident ID number. The kind follows from the code; nobody sets it against it."""
    code = (identifier or "").strip()
    if not code:
        return None
    if is_valid_uscc(code):
        normal = validate_uscc(code)
        return PARTY_INDIVIDUAL_BUSINESS if normal.startswith(INDIVIDUAL_BUSINESS_PREFIX) else PARTY_ORGANISATION
    if is_resident_id(code):
        return PARTY_PERSON
    return None


def is_natural_person(identifier: str | None) -> bool:
    """True when the party behind the identifier is a natural person (a person or an individual
    business's operator): its ID numbers, contacts and home address are personal information."""
    return party_kind_of(identifier) in (PARTY_PERSON, PARTY_INDIVIDUAL_BUSINESS)
