"""Detectors for personal information in free text, and the masks applied to what they find.

Pure functions over strings; `redaction.py` combines them into `redact_text` and
`redact_record`. Every detector returns (start, end) spans; the caller masks them. The
original value never leaves this module in a finding, so findings are safe to log.
"""

from __future__ import annotations

import re
from datetime import date

from stdnum.cn import ric, uscc

# Province-level prefixes of resident ID numbers (GB/T 2260 first two digits).
_RIC_PROVINCES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    ]
)

# Words that, just before an 18-char code, say it is an organisation's credit code.
_USCC_CONTEXT = ("信用代码", "社会信用", "USCC", "uscc", "注册号")

_RIC18 = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_RIC15 = re.compile(
    r"(?<![0-9A-Za-z])\d{6}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![0-9A-Za-z])"
)
_MOBILE = re.compile(
    r"(?<![\dA-Za-z+])(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?![\dA-Za-z])"
)
_LANDLINE = re.compile(
    r"(?<![\dA-Za-z])(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}[ -]?)[2-9]\d{6,7}"
    r"(?:(?:转|-|ext\.?)\d{1,6})?(?![\dA-Za-z])"
)
# A bare 7-8 digit number counts as a phone only right after a phone keyword.
_LANDLINE_KEYWORD = re.compile(
    r"(?:电话|座机|联系方式|传真|Tel|TEL|tel)[:：\s]*([2-9]\d{6,7})(?![\dA-Za-z])"
)
_BANK_CARD = re.compile(
    r"(?<![\dA-Za-z])\d{4}(?:[ -]?\d{4}){2}[ -]?\d{4,7}(?![\dA-Za-z])"
)
_EMAIL = re.compile(
    r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
# Street-level part of a Chinese address: from the road name's number to the room.
_ADDRESS = re.compile(
    r"(?:[\u4e00-\u9fa5A-Za-z0-9]{1,12}?(?:路|街|大道|大街|巷|弄|村))"
    r"(?P<detail>\d+[弄号](?:\d+[号弄])?(?:\d+(?:号楼|幢|栋|座))?(?:\d+单元)?(?:\d+室)?"
    r"|\d+组\d+号)"
)


def _plausible_birth(number: str) -> bool:
    try:
        born = ric.get_birth_date(number)
    except Exception:  # noqa: BLE001 - stdnum raises its own ValidationError family
        return False
    return 1900 <= born.year <= date.today().year


def is_resident_id_18(number: str) -> bool:
    """True when an 18-char string is a resident ID number.

    stdnum's `is_valid` also requires the birth place to be in its region table, which lacks
    some real (and all recently created) counties; a number with a correct check digit, a real
    province prefix and a plausible birth date is still treated as an ID, because masking
    too much is the safe error here.
    """
    number = number.upper()
    try:
        if ric.is_valid(number):
            return True
    except KeyError:  # stdnum raises instead of returning False for some region codes
        pass
    if number[:2] not in _RIC_PROVINCES or not _plausible_birth(number):
        return False
    return number[-1] == ric.calc_check_digit(number)


def _looks_like_credit_code(text: str, start: int, candidate: str) -> bool:
    before = text[max(0, start - 12) : start]
    return uscc.is_valid(candidate) and any(word in before for word in _USCC_CONTEXT)


def find_resident_ids(text: str) -> list[tuple[int, int, str]]:
    """Spans of 18- and 15-digit resident ID numbers; USCCs of organisations are left alone."""
    spans: list[tuple[int, int, str]] = []
    for m in _RIC18.finditer(text):
        candidate = m.group()
        if is_resident_id_18(candidate) and not _looks_like_credit_code(
            text, m.start(), candidate
        ):
            spans.append((m.start(), m.end(), "resident_id"))
    for m in _RIC15.finditer(text):
        spans.append((m.start(), m.end(), "resident_id_legacy"))
    return spans


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _is_enterprise_code(text: str, start: int, digits: str) -> bool:
    """An all-digit USCC can pass Luhn too. Enterprise codes start with 9 (registration
    authority: market regulation), which domestic 18-digit cards do not share in practice."""
    if len(digits) != 18 or not uscc.is_valid(digits):
        return False
    return digits.startswith("9") or _looks_like_credit_code(text, start, digits)


def find_bank_cards(text: str) -> list[tuple[int, int, str]]:
    spans = []
    for m in _BANK_CARD.finditer(text):
        digits = re.sub(r"[ -]", "", m.group())
        if (
            16 <= len(digits) <= 19
            and luhn_ok(digits)
            and not _is_enterprise_code(text, m.start(), digits)
        ):
            spans.append((m.start(), m.end(), "bank_card"))
    return spans


def find_mobiles(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), "mobile_phone") for m in _MOBILE.finditer(text)]


def find_landlines(text: str) -> list[tuple[int, int, str]]:
    spans = [(m.start(), m.end(), "landline_phone") for m in _LANDLINE.finditer(text)]
    spans += [
        (m.start(1), m.end(1), "landline_phone")
        for m in _LANDLINE_KEYWORD.finditer(text)
    ]
    return spans


def find_emails(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), "email") for m in _EMAIL.finditer(text)]


def find_home_addresses(text: str) -> list[tuple[int, int, str]]:
    """Only the house-number part is masked: the road and district stay readable."""
    return [
        (m.start("detail"), m.end("detail"), "home_address")
        for m in _ADDRESS.finditer(text)
    ]


# ---- masks ------------------------------------------------------------------------------


def mask_keep(value: str, head: int, tail: int, char: str = "*") -> str:
    """Replace all but `head` leading and `tail` trailing characters, keeping the length."""
    n = len(value)
    if head + tail >= n:
        return char * n
    return value[:head] + char * (n - head - tail) + value[n - tail :]


def mask_email(value: str) -> str:
    local, _, domain = value.partition("@")
    return "*" * len(local) + "@" + domain


# Two-character surnames: kept whole so "欧阳娜娜" becomes "欧阳**", not "欧***".
COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "司徒",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "夏侯",
        "令狐",
        "轩辕",
        "端木",
        "独孤",
        "南宫",
        "西门",
        "百里",
        "呼延",
        "澹台",
        "公羊",
        "万俟",
        "闻人",
        "申屠",
        "太史",
        "钟离",
        "赫连",
        "濮阳",
        "单于",
    ]
)


def mask_person_name(name: str) -> str:
    """Keep the surname, mask the given name: 张三丰 → 张**; Latin names keep initials."""
    name = name.strip()
    if not name:
        return name
    if re.fullmatch(r"[\u4e00-\u9fa5·]+", name):
        keep = 2 if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES else 1
        return name[:keep] + "*" * max(len(name) - keep, 1)
    return " ".join(part[0] + "*" * max(len(part) - 1, 1) for part in name.split())
