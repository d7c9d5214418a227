"""Detectors for personal information in free text, and the masks applied to what they find.

Pure functions over strings; `rules.py` combines them into `redact_text` and
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

# Full-width forms (U+FF01..U+FF5E) and the ideographic space read as their ASCII twins: a
# number typed on a Chinese keyboard is the same number. One character for one, so a span
# found in the folded text is the same span in the original.
_FOLD = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20, 0x00A0: 0x20, 0x2010: 0x2D,
                                                          0x2011: 0x2D, 0x2012: 0x2D, 0x2013: 0x2D,
                                                          0x2014: 0x2D, 0x2212: 0x2D, 0x00B7: 0x2E}


def fold(text: str) -> str:
    return text.translate(_FOLD)


# A run of digits as people write one number: groups of digits joined by at most two
# separators (space, dash, dot), an optional leading + and brackets around an area code,
# and a final X for an ID number's check character.
_NUMBER_RUN = re.compile(
    r"(?<![0-9A-Za-z.])\+?\(?\d(?:[ \-.()]{0,3}\d)*(?:[ \-.]{0,2}[Xx])?(?![0-9A-Za-z])"
)
_GROUP = re.compile(r"\d+[Xx]?")
# A bare 7-8 digit number counts as a phone only right after a phone keyword.
_PHONE_KEYWORD = re.compile(r"(?:电话|座机|联系方式|传真|手机|Tel|TEL|tel|Phone|phone)[:：\s]*$")
_EMAIL = re.compile(
    r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
# Street-level part of a Chinese address: from the road name's number to the room, and the
# building / unit / room parts wherever they stand (a housing estate's "5栋2单元301室").
_ADDRESS = re.compile(
    r"(?:[\u4e00-\u9fa5A-Za-z0-9]{1,12}?(?:路|街|大道|大街|巷|弄|村))"
    r"(?P<detail>\d+[弄号](?:\d+[号弄])?(?:\d+(?:号楼|幢|栋|座))?(?:\d+单元)?(?:\d+(?:室|号)?)?"
    r"|\d+组\d+号)"
)
_ADDRESS_PARTS = re.compile(r"\d+(?:号楼|幢|栋|座)(?:\d+单元)?(?:\d+室?)?|\d+单元(?:\d+室?)?|\d+室")
# The same in English: "Room 302, No. 12, Lane 585, Longhua West Road".
_ADDRESS_EN = re.compile(
    r"(?<![A-Za-z])(?:Room|Rm|Flat|Apt|Apartment|Unit|Building|Bldg|Block|Lane|Alley)\.?\s*\d+[A-Za-z]?"
    r"|(?<![A-Za-z])No\.?\s*\d+(?=,?\s+(?:Lane|Alley|(?:[A-Z][a-z]+\s)+(?:Road|Rd|Street|St|Avenue|Ave)\b))"
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
    if len(number) != 18 or not number[:17].isdigit():
        return False
    try:
        if ric.is_valid(number):
            return True
    except KeyError:  # stdnum raises instead of returning False for some region codes
        pass
    if number[:2] not in _RIC_PROVINCES or not _plausible_birth(number):
        return False
    return number[-1] == ric.calc_check_digit(number)


def _is_resident_id_15(digits: str) -> bool:
    """GB 11643-1989 numbers: region, YYMMDD, order; no check character."""
    if len(digits) != 15 or not digits.isdigit() or digits[:2] not in _RIC_PROVINCES:
        return False
    try:
        date(1900 + int(digits[6:8]), int(digits[8:10]), int(digits[10:12]))
    except ValueError:
        return False
    return True


def _looks_like_credit_code(text: str, start: int, candidate: str) -> bool:
    before = text[max(0, start - 12) : start]
    return uscc.is_valid(candidate.upper()) and any(word in before for word in _USCC_CONTEXT)


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


def _national(digits: str) -> str:
    """The number without China's country code (+86 / 0086 / 86 before a mobile)."""
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) in (10, 11, 12):
            return digits[len(prefix):]
    return digits


def _is_mobile(digits: str) -> bool:
    d = _national(digits)
    return len(d) == 11 and d[0] == "1" and d[1] in "3456789"


def _is_landline(digits: str, grouped: bool) -> bool:
    """Area code (0 + 2-3 digits; without the 0 after +86) and a 7-8 digit local number."""
    d = _national(digits)
    if d != digits and not d.startswith("0"):
        d = "0" + d
    if not d.startswith("0") or not 10 <= len(d) <= 12 or d.startswith("00"):
        return False
    # A two-digit area (010, 020-029) then 8 digits, or three digits then 7-8.
    local = d[3:] if d[1] in "12" else d[4:]
    return (len(local) in (7, 8) and local[0] in "23456789") and (grouped or len(d) >= 11)


def _classify(text: str, start: int, digits: str, groups: list[str]) -> str | None:
    """What a number written as `groups` is, if it is personal: the first rule that fits."""
    n = len(digits)
    if n == 18 and is_resident_id_18(digits) and not _looks_like_credit_code(text, start, digits):
        return "resident_id"
    if n == 15 and _is_resident_id_15(digits):
        return "resident_id_legacy"
    if not digits.isdigit():
        return None
    if _is_mobile(digits):
        return "mobile_phone"
    if _is_landline(digits, len(groups) > 1):
        return "landline_phone"
    if 16 <= n <= 19 and luhn_ok(digits) and not _is_enterprise_code(text, start, digits):
        return "bank_card"
    return None


def find_numbers(text: str) -> list[tuple[int, int, str]]:
    """Spans of ID numbers, phones and bank cards however they are written.

    Each run of digit groups is tried whole and then as its longest sub-runs, so two numbers
    written side by side ("13812345678 021-62345678") are both found, and the separators or
    full-width forms a writer chose change nothing."""
    folded = fold(text)
    spans: list[tuple[int, int, str]] = []
    for run in _NUMBER_RUN.finditer(folded):
        groups = [(m.start() + run.start(), m.end() + run.start(), m.group()) for m in _GROUP.finditer(run.group())]
        i = 0
        while i < len(groups):
            for j in range(len(groups), i, -1):
                part = [g for _, _, g in groups[i:j]]
                digits = "".join(part)
                if len(digits) < 7 or len(digits) > 20:
                    continue
                kind = _classify(folded, groups[i][0], digits, part)
                if kind is not None:
                    spans.append((groups[i][0], groups[j - 1][1], kind))
                    i = j
                    break
            else:
                i += 1
    # A bare 7-8 digit local number right after a phone keyword.
    for m in re.finditer(r"(?<![0-9A-Za-z])[2-9]\d{6,7}(?![0-9A-Za-z])", folded):
        if _PHONE_KEYWORD.search(folded[max(0, m.start() - 8) : m.start()]) and \
                all(m.end() <= s or m.start() >= e for s, e, _ in spans):
            spans.append((m.start(), m.end(), "landline_phone"))
    return spans


def find_resident_ids(text: str) -> list[tuple[int, int, str]]:
    """Spans of 18- and 15-digit resident ID numbers; USCCs of organisations are left alone."""
    return [s for s in find_numbers(text) if s[2] in ("resident_id", "resident_id_legacy")]


def find_bank_cards(text: str) -> list[tuple[int, int, str]]:
    return [s for s in find_numbers(text) if s[2] == "bank_card"]


def find_mobiles(text: str) -> list[tuple[int, int, str]]:
    return [s for s in find_numbers(text) if s[2] == "mobile_phone"]


def find_landlines(text: str) -> list[tuple[int, int, str]]:
    return [s for s in find_numbers(text) if s[2] == "landline_phone"]


def find_emails(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), "email") for m in _EMAIL.finditer(fold(text))]


def find_home_addresses(text: str) -> list[tuple[int, int, str]]:
    """Only the house-number part is masked: the road and district stay readable."""
    folded = fold(text)
    spans = [(m.start("detail"), m.end("detail"), "home_address") for m in _ADDRESS.finditer(folded)]
    for m in (*_ADDRESS_PARTS.finditer(folded), *_ADDRESS_EN.finditer(folded)):
        if all(m.end() <= s or m.start() >= e for s, e, _ in spans):
            spans.append((m.start(), m.end(), "home_address"))
    return sorted(spans)


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
