"""Where a complaint or tip-off goes, and how each department numbers its decisions. [cfg]

*** SAMPLE CONFIGURATION *** Service codes are ours; departments and matter codes are those of
the supervision matter catalogue (coordination; sample: shared/data/sample_catalogue.yaml). Load the official
12345/12315 classification as a new version with its effective date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .versions import pick_version


@dataclass(frozen=True)
class ComplaintService:
    """One Open311 service: what a caller may complain about or report, and who handles it."""

    service_code: str
    service_name: str
    description: str
    group: str
    keywords: tuple[str, ...]
    department: str
    matter_code: str


@dataclass(frozen=True)
class RoutingTable:
    version: str
    effective: date
    services: dict[str, ComplaintService]


def _svc(code: str, name: str, description: str, group: str, keywords: str, department: str,
         matter: str) -> ComplaintService:
    return ComplaintService(code, name, description, group, tuple(keywords.split(",")), department, matter)


# Interim Measures for Handling Complaints and Reports in Market Regulation (SAMR 2019) art. 8:
# a complaint or report is handled by the department competent for the matter.
ROUTING_TABLES: tuple[RoutingTable, ...] = (
    RoutingTable(
        version="routing-sample-2026.1",
        effective=date(2021, 1, 1),
        services={s.service_code: s for s in (
            _svc("food-safety", "食品安全 Food safety", "Unsafe, spoiled or mislabelled food; unlicensed food business",
                 "12315", "food,label,restaurant", "scjgj", "scjgj-001"),
            _svc("product-quality", "产品质量 Product quality", "Substandard or counterfeit products",
                 "12315", "product,quality,counterfeit", "scjgj", "scjgj-002"),
            _svc("advertising", "虚假广告 False advertising", "False or illegal advertisements",
                 "12315", "advertising,false claims", "scjgj", "scjgj-004"),
            _svc("special-equipment", "特种设备 Special equipment", "Lifts, boilers and other special equipment hazards",
                 "12315", "lift,elevator,boiler", "scjgj", "scjgj-005"),
            _svc("drugs", "药品 Drugs", "Drugs sold without licence, fake or expired drugs",
                 "12345", "drug,pharmacy", "yjj", "yjj-001"),
            _svc("medical-devices", "医疗器械 Medical devices", "Unsafe or unregistered medical devices",
                 "12345", "medical device", "yjj", "yjj-002"),
            _svc("cosmetics", "化妆品 Cosmetics", "Unsafe or unregistered cosmetics",
                 "12345", "cosmetics", "yjj", "yjj-003"),
            _svc("pollution-discharge", "排污 Pollutant discharge", "Discharge beyond permit, smoke, sewage",
                 "12345", "pollution,sewage,smoke", "sthjj", "sthjj-001"),
            _svc("hazardous-waste", "危险废物 Hazardous waste", "Illegal dumping or handling of hazardous waste",
                 "12345", "waste,dumping", "sthjj", "sthjj-002"),
            _svc("construction-safety", "建设工程 Construction safety", "Unsafe construction sites, poor building quality",
                 "12345", "construction,site", "zjw", "zjw-002"),
            _svc("road-transport", "道路运输 Road transport", "Illegal road transport operations",
                 "12345", "bus,coach,freight", "jtw", "jtw-001"),
            _svc("ride-hailing", "网约车 Ride-hailing", "Unlicensed ride-hailing vehicles or drivers",
                 "12345", "taxi,ride-hailing", "jtw", "jtw-002"),
            _svc("work-safety", "安全生产 Work safety", "Unsafe workplaces, missing safety measures",
                 "12345", "work safety,accident", "yjglj", "yjglj-001"),
            _svc("public-hygiene", "公共场所卫生 Public venue hygiene", "Hygiene of hotels, baths, salons and other venues",
                 "12345", "hygiene,hotel,salon", "wjw", "wjw-001"),
            _svc("travel-agency", "旅行社 Travel agencies", "Forced shopping, unlicensed tours",
                 "12345", "travel,tour", "whlyj", "whlyj-001"),
            _svc("prepaid-cards", "预付卡 Prepaid cards", "Single-purpose prepaid cards: closing shops, refusals to refund",
                 "12345", "prepaid card,refund", "swj", "swj-001"),
        )},
    ),
)

# [cfg] Decision number prefix per department: "<prefix>〔<year>〕<n>号".
DECISION_NUMBER_PREFIXES: dict[str, str] = {
    "scjgj": "沪市监罚", "yjj": "沪药监罚", "sthjj": "沪环罚", "zjw": "沪建罚", "jtw": "沪交罚",
    "yjglj": "沪应急罚", "wjw": "沪卫罚", "whlyj": "沪文旅罚", "swj": "沪商务罚",
}

# Departments that handle cases (the catalogue's department-kind entries), and so may
# receive a transferred case.
CASE_DEPARTMENTS: frozenset[str] = frozenset(DECISION_NUMBER_PREFIXES)


def routing_table(as_of: date | None = None, version: str | None = None) -> RoutingTable:
    return pick_version(ROUTING_TABLES, as_of, version)


def route_complaint(service_code: str, as_of: date | None = None) -> ComplaintService:
    """The department and matter competent for a service code; KeyError when unknown."""
    table = routing_table(as_of)
    if service_code not in table.services:
        raise KeyError(f"unknown service_code {service_code!r}; known: {sorted(table.services)}")
    return table.services[service_code]


def decision_number(department: str, year: int, seq: int) -> str:
    """The department's decision number, e.g. 沪市监罚〔2026〕123号."""
    return f"{DECISION_NUMBER_PREFIXES.get(department, '沪' + department + '罚')}〔{year}〕{seq}号"
