"""The whole-batch identifier checks refuse exactly the values the one-at-a-time checks refuse."""

from __future__ import annotations

import random

from stdnum.cn import ric, uscc

from shared.identifiers import (
    invalid_resident_ids,
    is_canonical_uscc,
    is_resident_id,
    non_canonical_usccs,
)

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _valid_uscc(rnd: random.Random) -> str:
    first17 = f"{rnd.choice('159Y')}{rnd.choice('123')}{rnd.randint(0, 999999):06d}" + \
              "".join(rnd.choice(_USCC_CHARS) for _ in range(9))
    return first17 + uscc.calc_check_digit(first17)


def _spoilt_uscc(rnd: random.Random, code: str) -> str:
    i = rnd.randrange(18)
    how = rnd.randrange(8)
    if how == 0:  # another character of the alphabet: usually a wrong check character
        return code[:i] + rnd.choice(_USCC_CHARS) + code[i + 1:]
    if how == 1:  # a letter outside the alphabet, or lower case
        return code[:i] + rnd.choice("IOSVZabcxyz") + code[i + 1:]
    if how == 2:  # a letter among the first eight, which must be digits
        j = rnd.randrange(8)
        return code[:j] + rnd.choice("ABCDEFGH") + code[j + 1:]
    if how == 3:
        return code[:17] if rnd.random() < 0.5 else code + "0"
    if how == 4:  # non-ASCII: full-width, a digit of another script, a space
        return code[:i] + rnd.choice("Ｘ١ 　-") + code[i + 1:]
    if how == 5:
        return ""
    if how == 6:  # the last two characters swapped
        return code[:16] + code[17] + code[16]
    return code[:17] + rnd.choice(_USCC_CHARS)


def _batches(rnd: random.Random, make, spoil, count: int):
    for _ in range(count):
        size = rnd.choice((1, 2, 5, 40, 300))
        spoilt = rnd.choice((0.0, 0.0, 0.01, 0.2, 1.0))
        yield [spoil(rnd, v) if rnd.random() < spoilt else v for v in (make(rnd) for _ in range(size))]


def test_bulk_uscc_check_refuses_what_the_single_check_refuses():
    rnd = random.Random(20261127)
    refused = accepted = 0
    for batch in _batches(rnd, _valid_uscc, _spoilt_uscc, 600):
        expected = [i for i, c in enumerate(batch) if not is_canonical_uscc(c)]
        assert non_canonical_usccs(batch) == expected, batch
        for i, c in enumerate(batch):  # and the single check is python-stdnum's, on canonical text
            assert is_canonical_uscc(c) == (uscc.is_valid(c) and uscc.compact(c) == c), c
        refused += len(expected)
        accepted += len(batch) - len(expected)
    assert refused > 2000 and accepted > 20000  # both outcomes, on the fast path and off it
    assert non_canonical_usccs([]) == []


def _valid_ric(rnd: random.Random) -> str:
    region = rnd.choice(("110105", "310104", "440101", "320102", "510104"))
    first17 = f"{region}{rnd.randint(1930, 2005):04d}{rnd.randint(1, 12):02d}{rnd.randint(1, 28):02d}" \
              f"{rnd.randint(0, 999):03d}"
    return first17 + ric.calc_check_digit(first17 + "0")


def _spoilt_ric(rnd: random.Random, value: str) -> str:
    how = rnd.randrange(8)
    if how == 0:  # another check character
        return value[:17] + rnd.choice("0123456789X")
    if how == 1:  # dates that do not exist: 29 February out of leap years, 31st of short months, month 13
        return value[:6] + rnd.choice(("19000229", "19990229", "20000229", "19960229", "20010431", "20011301",
                                       "00000101", "20010100")) + value[14:]
    if how == 2:  # a region the registry does not know, or not yet in that year
        return rnd.choice(("999999", "000000", "110199", "469001")) + value[6:]
    if how == 3:
        return value[:17] + "x" if value[17] == "X" else value.lower()
    if how == 4:
        return value[:16] if rnd.random() < 0.5 else value + "1"
    if how == 5:
        i = rnd.randrange(17)
        return value[:i] + rnd.choice("AX ٣-") + value[i + 1:]
    if how == 6:
        return " " + value[1:] if rnd.random() < 0.5 else value[:6] + "-" + value[7:]
    first17 = value[:17]
    return first17 + ric.calc_check_digit(first17 + "0")  # still valid: recomputed


def _stdnum_ric_valid(value: str) -> bool:
    try:
        return ric.is_valid(value)
    except KeyError:  # python-stdnum's look-up of a region it only half knows
        return False


def test_bulk_resident_id_check_refuses_what_the_single_check_refuses():
    rnd = random.Random(20261128)
    refused = accepted = 0
    for batch in _batches(rnd, _valid_ric, _spoilt_ric, 600):
        expected = [i for i, v in enumerate(batch) if not is_resident_id(v)]
        assert invalid_resident_ids(batch) == expected, batch
        assert invalid_resident_ids(batch) == expected, batch  # again, with what the first call remembered
        for v in batch:
            assert is_resident_id(v) == _stdnum_ric_valid(v), v
        refused += len(expected)
        accepted += len(batch) - len(expected)
    assert refused > 2000 and accepted > 20000
    assert invalid_resident_ids([]) == []
