"""Synthetic, reproducible Shanghai market participants, inspectors and item lists.

Everything here is SYNTHETIC: names, codes and people are generated (seeded), marked
`synthetic` where the data has room for it, and must never be mistaken for real records.
USCCs carry correct GB 32100 check characters and GB 11714 organisation-code check
characters; legal representatives' ID numbers are valid GB 11643 numbers from Faker zh_CN.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from stdnum.cn import uscc as uscc_mod

from shared.identifiers import is_resident_id

# GB/T 2260 codes of Shanghai's 16 districts (name, code, share of registered businesses).
SHANGHAI_DISTRICTS: list[tuple[str, str, float]] = [
    ("黄浦区", "310101", 0.04), ("徐汇区", "310104", 0.05), ("长宁区", "310105", 0.04),
    ("静安区", "310106", 0.05), ("普陀区", "310107", 0.04), ("虹口区", "310109", 0.03),
    ("杨浦区", "310110", 0.04), ("闵行区", "310112", 0.09), ("宝山区", "310113", 0.06),
    ("嘉定区", "310114", 0.08), ("浦东新区", "310115", 0.18), ("金山区", "310116", 0.04),
    ("松江区", "310117", 0.08), ("青浦区", "310118", 0.06), ("奉贤区", "310120", 0.07),
    ("崇明区", "310151", 0.05),
]

# GB/T 4754 sections and a few divisions, with a nominal industry risk level (sample configuration).
INDUSTRIES: list[tuple[str, str, str, float]] = [
    ("H6210", "正餐服务", "high", 0.12), ("F5221", "百货零售", "medium", 0.14),
    ("F5292", "食品零售", "high", 0.08), ("C1491", "食品制造", "high", 0.03),
    ("C2770", "卫生材料及医药用品制造", "high", 0.01), ("F5251", "药品零售", "high", 0.02),
    ("E4710", "房屋建筑业", "high", 0.04), ("G5430", "道路货物运输", "medium", 0.05),
    ("I6513", "应用软件开发", "low", 0.10), ("L7212", "投资与资产管理", "medium", 0.06),
    ("M7520", "科技推广服务", "low", 0.09), ("O8011", "家庭服务", "low", 0.05),
    ("R8710", "文艺创作与表演", "low", 0.03), ("C3311", "金属结构制造", "medium", 0.04),
    ("K7010", "房地产开发经营", "medium", 0.04), ("Q8411", "综合医院", "high", 0.01),
    ("N7820", "环境卫生管理", "medium", 0.03),
]

SUBJECT_TYPES = [("enterprise", "91", 0.72), ("individual_business", "92", 0.25), ("social_organisation", "52", 0.03)]

_NAME_HEADS = "华申沪浦东兴盛达锦恒泰嘉鑫源宏瑞丰和润新海明通远隆康联合永安晨星博雅"
_NAME_TAILS = ["科技", "贸易", "餐饮管理", "食品", "实业", "信息技术", "物流", "建设工程", "医药", "文化传播",
               "环保科技", "物业管理", "咨询", "电子商务", "机械设备"]
_FORMS = {"enterprise": "有限公司", "individual_business": "经营部", "social_organisation": "协会"}
_ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organisation_code_check(first8: str) -> str:
    """GB 11714-1997 check character of an organisation code."""
    total = sum(int(c, 36) * w for c, w in zip(first8, _ORG_WEIGHTS))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def make_uscc(prefix: str, region: str, serial: int) -> str:
    """A USCC with valid check characters; `serial` makes it unique and reproducible."""
    body = ""
    n = serial
    for _ in range(8):
        body = _ORG_ALPHABET[n % 31] + body
        n //= 31
    body = body.replace("I", "1").replace("O", "0")
    org = body + organisation_code_check(body)
    first17 = prefix + region + org
    return first17 + uscc_mod.calc_check_digit(first17)


@dataclass(frozen=True)
class SyntheticSubject:
    uscc: str
    name: str
    subject_type: str
    legal_representative: str
    legal_representative_id: str
    address: str
    district: str  # GB/T 2260 code
    industry_code: str
    registered_on: date

    def csv_row(self) -> list[str]:
        return [self.uscc, self.name, self.subject_type, self.legal_representative, self.legal_representative_id,
                self.address, self.district, self.industry_code, self.registered_on.isoformat()]


# The columns of credit's bulk import (`supervision subjects import`).
CSV_HEADER = ["uscc", "name", "subject_type", "legal_rep_name", "legal_rep_id",
              "registered_address", "district", "industry_code", "registered_on"]


def _cumulative(items: list, weight_index: int) -> list[float]:
    total, out = 0.0, []
    for i in items:
        total += i[weight_index]
        out.append(total)
    return out


_CUM = {id(SHANGHAI_DISTRICTS): _cumulative(SHANGHAI_DISTRICTS, 2), id(SUBJECT_TYPES): _cumulative(SUBJECT_TYPES, 2),
        id(INDUSTRIES): _cumulative(INDUSTRIES, 3)}


def _weighted(rng: random.Random, items: list, weight_index: int):
    return rng.choices(items, cum_weights=_CUM[id(items)])[0]


def generate_subjects(n: int, seed: int = 2020) -> Iterator[SyntheticSubject]:
    """`n` reproducible subjects (the same seed gives the same subjects)."""
    from faker import Faker

    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    # Faker is slow for millions: draw a pool of people and streets once and combine them.
    people: list[tuple[str, str]] = []
    while len(people) < min(n, 5000) or not people:
        pid = fake.ssn()
        if is_resident_id(pid):  # Faker's county codes are not all in the official table
            people.append((fake.name(), pid))
    streets = [fake.street_name() for _ in range(500)]
    start = date(1995, 1, 1)
    span = (date(2026, 6, 30) - start).days
    for i in range(n):
        district, region, _ = _weighted(rng, SHANGHAI_DISTRICTS, 2)
        stype, prefix, _ = _weighted(rng, SUBJECT_TYPES, 2)
        industry = _weighted(rng, INDUSTRIES, 3)
        name = (f"上海{rng.choice(_NAME_HEADS)}{rng.choice(_NAME_HEADS)}{industry[1][:2] if rng.random() < 0.3 else ''}"
                f"{rng.choice(_NAME_TAILS)}{_FORMS[stype]}")
        if rng.random() < 0.5:
            name = name.replace("上海", f"上海{district[:2]}", 1)
        person, pid = people[rng.randrange(len(people))]
        yield SyntheticSubject(
            uscc=make_uscc(prefix, region, seed * 10_000_000 + i),
            name=name,
            subject_type=stype,
            legal_representative=person,
            legal_representative_id=pid,
            address=f"上海市{district}{rng.choice(streets)}{rng.randint(1, 2000)}号",
            district=region,
            industry_code=industry[0],
            registered_on=start + timedelta(days=rng.randrange(span)),
        )


def industry_risk(code: str) -> str:
    for c, _, risk, _ in INDUSTRIES:
        if c == code:
            return risk
    return "medium"


@dataclass(frozen=True)
class SyntheticInspector:
    inspector_id: str
    department: str
    name: str
    qualifications: tuple[str, ...]
    districts: tuple[str, ...]


def generate_inspectors(departments: list[str], per_department: int = 20, seed: int = 2020) -> list[SyntheticInspector]:
    """Inspectors per department, each covering a few districts; names are synthetic."""
    from faker import Faker

    rng = random.Random(seed + 1)
    fake = Faker("zh_CN")
    fake.seed_instance(seed + 1)
    out = []
    for dept in departments:
        for i in range(per_department):
            districts = tuple(sorted(rng.sample([d[1] for d in SHANGHAI_DISTRICTS], k=rng.randint(3, 8))))
            if i < 2:  # two city-wide inspectors per department so every district can be covered
                districts = ("*",)
            out.append(SyntheticInspector(f"{dept}-insp-{i:03d}", dept, fake.name(), ("general",), districts))
    return out


# Sample inspection item lists per department (item code, name, legal basis, method, key item?).
SAMPLE_ITEMS: dict[str, list[tuple[str, str, str, str, bool]]] = {
    "scjgj": [
        ("scjgj-001-01", "食品经营许可及公示情况检查", "Food Safety Law art. 35, 87", "on_site", False),
        ("scjgj-001-02", "食品标签标识检查", "Food Safety Law art. 67", "on_site", False),
        ("scjgj-003-01", "企业年度报告公示信息抽查", "Interim Regulations on Enterprise Information Publicity art. 14", "documents", False),
        ("scjgj-005-01", "特种设备使用登记与定期检验", "Special Equipment Safety Law art. 57", "on_site", True),
    ],
    "yjj": [
        ("yjj-001-01", "药品经营质量管理规范执行情况", "Drug Administration Law art. 99", "on_site", False),
        ("yjj-003-01", "化妆品经营者进货查验记录", "Regulations on Cosmetics art. 46", "on_site", False),
    ],
    "wjw": [("wjw-001-01", "公共场所卫生许可与卫生状况", "Regulations on Public Venue Hygiene art. 10", "on_site", False)],
}
