"""Hypothesis strategies for personal data as people really write it, inside real-looking text.

Each generated secret comes with the forms that must not survive redaction: the text as written
and its bare digits (a leak with other separators is still a leak). Ordinary figures come with
the text that must survive verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from hypothesis import strategies as st
from stdnum.cn import ric

from shared.redaction.patterns import fold, luhn_ok

FULL_WIDTH = str.maketrans("0123456789Xx+()-", "０１２３４５６７８９Ｘｘ＋（）－")
SEPARATORS = (" ", "-", ".", "　", " - ", "－", "  ")
REGIONS = ("310104", "310115", "110101", "440106", "510104", "320102", "330106")
USCCS = ("91110000600037341L", "91440101MA5CJQ4N59", "913502000728319549", "91350200776049653A")
INDIVIDUAL_BUSINESS = "92310104MA1FL0000J"  # a USCC of an individual business (92...)


@dataclass(frozen=True)
class Secret:
    kind: str
    written: str
    core: str  # the digits / letters that must not appear in any output, separators removed


def _digits_only(text: str) -> str:
    return re.sub(r"[\s\-.()（）　]", "", fold(text))


def _group(digits: str, sizes: tuple[int, ...], sep: str) -> str:
    parts, i = [], 0
    for n in sizes:
        if i >= len(digits):
            break
        parts.append(digits[i:i + n])
        i += n
    if i < len(digits):
        parts.append(digits[i:])
    return sep.join(parts)


@st.composite
def written_as(draw, digits: str, groupings: tuple[tuple[int, ...], ...]) -> str:
    """The number as a person might type it: grouped or not, any separator, maybe full-width."""
    grouping = draw(st.sampled_from(((len(digits),), *groupings)))
    text = _group(digits, grouping, draw(st.sampled_from(SEPARATORS)))
    if draw(st.booleans()):
        text = text.translate(FULL_WIDTH)
    return text


@st.composite
def resident_ids(draw) -> Secret:
    region = draw(st.sampled_from(REGIONS))
    born = draw(st.dates(date(1940, 1, 1), date(2006, 12, 31)))
    if draw(st.booleans()):
        body = region + born.strftime("%Y%m%d") + f"{draw(st.integers(0, 999)):03d}"
        number = body + ric.calc_check_digit(body + "0")
        if number.endswith("X") and draw(st.booleans()):
            number = number[:-1] + "x"
        text = draw(written_as(number, ((6, 8, 4), (4, 4, 4, 4, 2), (3, 3, 4, 4, 4), (6, 4, 4, 4))))
    else:  # GB 11643-1989: 15 digits, two-digit year, no check character
        number = region + born.strftime("%y%m%d") + f"{draw(st.integers(0, 999)):03d}"
        text = draw(written_as(number, ((6, 6, 3), (3, 3, 3, 3, 3))))
    return Secret("resident_id", text, number.upper())


@st.composite
def mobiles(draw) -> Secret:
    number = "1" + draw(st.sampled_from("3456789")) + f"{draw(st.integers(0, 999_999_999)):09d}"
    text = draw(written_as(number, ((3, 4, 4), (3, 8))))
    prefix = draw(st.sampled_from(("", "+86 ", "+86-", "0086 ", "86", "(+86)", "＋８６ ")))
    return Secret("mobile", prefix + text, number[3:])  # the carrier prefix may stay visible


@st.composite
def landlines(draw) -> Secret:
    area = draw(st.sampled_from(("021", "010", "020", "0571", "0755", "0512")))
    length = 8 if len(area) == 3 else draw(st.sampled_from((7, 8)))
    local = draw(st.sampled_from("23456789")) + f"{draw(st.integers(0, 10 ** (length - 1) - 1)):0{length - 1}d}"
    style = draw(st.integers(0, 4))
    sep = draw(st.sampled_from((" ", "-", "")))
    local_written = _group(local, (4, 4), draw(st.sampled_from((" ", "", "-"))))
    text = [f"{area}{sep or '-'}{local_written}", f"({area}){local_written}", f"（{area}）{local_written}",
            f"+86 {area[1:]} {local_written}", f"0086-{area[1:]}-{local}"][style]
    if draw(st.booleans()):
        text = text.translate(FULL_WIDTH)
    return Secret("landline", text, local)


@st.composite
def emails(draw) -> Secret:
    local = draw(st.from_regex(r"[a-z][a-z0-9]{2,8}(\.[a-z0-9]{2,6})?", fullmatch=True))
    domain = draw(st.sampled_from(("163.com", "qq.com", "mail.example.com.cn", "gmail.com")))
    return Secret("email", f"{local}@{domain}", f"{local}@")


@st.composite
def bank_cards(draw) -> Secret:
    prefix = draw(st.sampled_from(("622202", "621700", "436742", "622848")))
    length = draw(st.sampled_from((16, 19)))
    body = prefix + f"{draw(st.integers(0, 10 ** (length - 7) - 1)):0{length - 7}d}"
    number = next(body + d for d in "0123456789" if luhn_ok(body + d))
    text = draw(written_as(number, ((4, 4, 4, 4, 3), (6, 13))))
    return Secret("bank_card", text, number[:-4])  # the last four digits may stay visible


ROADS = ("龙华西路", "长宁路", "张杨路", "漕溪北路", "南京西路", "虹桥路", "曹杨路")


@st.composite
def home_addresses(draw) -> Secret:
    road = draw(st.sampled_from(ROADS))
    lane, no, room = draw(st.integers(1, 2000)), draw(st.integers(1, 200)), draw(st.integers(101, 2999))
    building, unit = draw(st.integers(1, 40)), draw(st.integers(1, 6))
    style = draw(st.integers(0, 4))
    detail = [f"{lane}弄{no}号{room}室", f"{no}号{building}幢{room}室", f"{lane}弄{no}号{building}号楼{unit}单元{room}室",
              f"{no}号{room}室", f"{lane}弄{no}号"][style]
    if draw(st.booleans()):
        detail = detail.translate(FULL_WIDTH)
    text = f"上海市{draw(st.sampled_from(('徐汇区', '长宁区', '浦东新区', '普陀区')))}{road}{detail}"
    return Secret("home_address", text, fold(detail))


@st.composite
def english_addresses(draw) -> Secret:
    room, no, lane = draw(st.integers(101, 2999)), draw(st.integers(1, 200)), draw(st.integers(1, 2000))
    text = f"Room {room}, No. {no}, Lane {lane}, Longhua West Road, Xuhui District"
    return Secret("home_address", text, f"Room{room}")


NUMBER_SECRETS = st.one_of(resident_ids(), mobiles(), landlines(), emails(), bank_cards())
PERSON_SECRETS = st.one_of(NUMBER_SECRETS, home_addresses(), english_addresses())

CN_LEAD = ("当事人", "经查，", "举报人称，", "联系人", "其", "另查明，")
CN_LABEL = {"resident_id": ("身份证号", "公民身份号码：", "证件号码 "), "mobile": ("手机", "联系电话：", "手机号 "),
            "landline": ("电话", "座机：", "联系方式 "), "email": ("邮箱", "电子邮件："),
            "bank_card": ("银行卡号", "账号："), "home_address": ("住址：", "住所", "家住")}
EN_LABEL = {"resident_id": ("ID number ", "ID card: "), "mobile": ("mobile ", "phone: "),
            "landline": ("tel. ", "landline "), "email": ("e-mail ", "email: "),
            "bank_card": ("bank card ", "account "), "home_address": ("lives at ", "home address: ")}


@st.composite
def ordinary_figures(draw) -> list[str]:
    """Figures a decision must still show: amounts, dates, decision numbers, USCCs, articles."""
    amount = f"{draw(st.integers(100, 2_000_000))}.{draw(st.integers(0, 99)):02d}"
    day = draw(st.dates(date(2020, 1, 1), date(2026, 12, 31)))
    return [f"罚款人民币{amount}元", day.isoformat(), f"{day.year}年{day.month}月{day.day}日",
            f"沪市监罚〔{day.year}〕{draw(st.integers(1, 9999))}号", draw(st.sampled_from(USCCS)),
            f"第{draw(st.integers(1, 200))}条", f"art. {draw(st.integers(1, 200))}"]


@st.composite
def personal_text(draw, secrets=PERSON_SECRETS) -> tuple[str, list[Secret], list[str]]:
    """A paragraph in Chinese or English holding 1-4 personal values and the ordinary figures."""
    found = draw(st.lists(secrets, min_size=1, max_size=4))
    figures = draw(ordinary_figures())
    english = draw(st.booleans())
    parts = []
    for s in found:
        label = draw(st.sampled_from((EN_LABEL if english else CN_LABEL)[s.kind]))
        lead = "The party's" if english else draw(st.sampled_from(CN_LEAD))
        parts.append(f"{lead} {label}{s.written}" if english else f"{lead}{label}{s.written}")
    glue = ", " if english else "，"
    tail = (f"; decision {figures[3]} of {figures[1]} ({figures[2]}), fine {figures[0]}, "
            f"credit code {figures[4]}, under {figures[5]} and {figures[6]}.") if english else \
        (f"。依据{figures[5]}（{figures[6]}），{figures[2]}作出{figures[3]}决定（{figures[1]}），"
         f"{figures[0]}，统一社会信用代码{figures[4]}。")
    return glue.join(parts) + tail, found, figures


def leaks(output: str, secrets: list[Secret]) -> list[str]:
    """The secrets found in `output`, as written or as bare digits."""
    bare = _digits_only(output)
    return [s.written for s in secrets if s.written in output or fold(s.written) in fold(output)
            or s.core.upper() in bare.upper()]
