"""The fast paths of validate_uscc and is_resident_id agree with python-stdnum on every input."""

from __future__ import annotations

import random

from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError

from shared.identifiers import InvalidIdentifier, is_resident_id, validate_uscc

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _stdnum_uscc(value: str) -> str | None:
    try:
        return uscc.validate(value)
    except ValidationError:
        return None


def _ours(value: str) -> str | None:
    try:
        return validate_uscc(value)
    except InvalidIdentifier:
        return None


def test_uscc_fast_path_matches_stdnum():
    rnd = random.Random(20240101)
    for _ in range(20_000):
        s = "".join(rnd.choice(_USCC_CHARS + "IOSVZabc -Ａ") for _ in range(rnd.choice((17, 18, 18, 19))))
        compact = uscc.compact(s)
        if rnd.random() < 0.5 and len(compact) >= 17 and all(c in _USCC_CHARS for c in compact[:17]):
            s = compact[:17] + uscc.calc_check_digit(compact[:17])
        if rnd.random() < 0.4:
            s = "91310000" + s[8:]
        if s == "91350100M0001TGQXM":  # the legacy allow-list, accepted on purpose
            continue
        assert _ours(s) == _stdnum_uscc(s), s


def test_resident_id_fast_path_matches_stdnum():
    rnd = random.Random(20240102)
    for _ in range(20_000):
        s = rnd.choice(("110105", "310104", "440101", "999999", "000000", "11010")) + \
            f"{rnd.randint(1900, 2030):04d}{rnd.randint(0, 13):02d}{rnd.randint(0, 32):02d}{rnd.randint(0, 999):03d}"
        if rnd.random() < 0.6 and len(s) >= 17 and s[:17].isdigit():
            s = s[:17] + ric.calc_check_digit(s[:17] + "0")
        else:
            s += rnd.choice("0123456789Xx -")
        if rnd.random() < 0.1:
            s = rnd.choice((" ", "-", "Ｘ")) + s
        assert is_resident_id(s) == ric.is_valid(s), s
