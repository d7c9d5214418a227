"""One version of the supervision catalogue, as every service reads it (pure, no I/O).

The coordination service owns the catalogue and publishes each version with the date it takes
effect; services keep the versions they received (readmodel.py) and ask the version in force on
the date of an act who may do what. The document is plain data (the same shape as
`shared/data/sample_catalogue.yaml` and the coordination API); `parse_version` checks that it
holds together and raises `CatalogueError` naming the entry that does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

LEVELS = ("municipal", "district")
DEPARTMENT_KINDS = ("department", "enforcement_team", "service")
# What a department may be in the catalogue for, besides the matters it implements.
FUNCTIONS = ("registration_authority", "red_list_grantor", "catalogue_keeper")
# Seed §4: the states an approval item can be in, each deciding who supervises it.
APPROVAL_STATUSES = ("in_force", "cancelled", "filing", "delegated", "entrusted")
CITY = "310000"  # a municipal body's territorial jurisdiction: the whole city
# Shanghai's 16 districts (NBS division codes).
DISTRICTS: dict[str, str] = {
    "310101": "Huangpu", "310104": "Xuhui", "310105": "Changning", "310106": "Jing'an", "310107": "Putuo",
    "310109": "Hongkou", "310110": "Yangpu", "310112": "Minhang", "310113": "Baoshan", "310114": "Jiading",
    "310115": "Pudong", "310116": "Jinshan", "310117": "Songjiang", "310118": "Qingpu", "310120": "Fengxian",
    "310151": "Chongming",
}


class CatalogueError(ValueError):
    """The catalogue document does not hold together; `where` names the entry."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


@dataclass(frozen=True)
class Department:
    code: str
    name_zh: str
    name_en: str
    kind: str
    level: str
    district: str | None
    functions: frozenset[str]
    roles: frozenset[str]

    @property
    def territory(self) -> str:
        return self.district or CITY


@dataclass(frozen=True)
class Matter:
    code: str
    department: str  # the competent department that owns the matter in the list
    implemented_by: frozenset[str]  # the bodies that claimed it at their level
    main_item: str
    sub_item: str
    name_zh: str
    name_en: str
    level: tuple[str, ...]
    legal_basis: str
    supervisee_type: str
    approach: str
    effective_from: date
    effective_to: date | None

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)


@dataclass(frozen=True)
class ApprovalItem:
    code: str
    name_zh: str
    examining_department: str
    status: str
    supervising_department: str
    matter_code: str | None
    entrustment: str | None


@dataclass(frozen=True)
class Entrustment:
    code: str
    entrustor: str
    entrustee: str
    matters: frozenset[str]
    powers: frozenset[str]
    letter_ref: str
    url: str
    valid_from: date
    valid_to: date

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on <= self.valid_to


@dataclass(frozen=True)
class Authority:
    """Who answers for an act: the department in whose name it is done, and the body that did it."""

    department: str  # the organ in whose name the act is done (the entrustor for an entrusted team)
    acting_body: str  # the caller's own body
    matter_code: str
    entrustment: str | None = None


@dataclass(frozen=True)
class CatalogueVersion:
    version: str
    effective_from: date
    sample: bool
    departments: dict[str, Department]
    matters: dict[str, Matter]
    approval_items: dict[str, ApprovalItem]
    entrustments: dict[str, Entrustment]

    # -- questions a service asks before an act ------------------------------------------------

    def department(self, code: str) -> Department | None:
        return self.departments.get(code)

    def holds(self, department: str, function: str) -> bool:
        d = self.departments.get(department)
        return d is not None and function in d.functions

    def covers(self, department: str, district: str | None) -> bool:
        # Administrative Penalty Law art. 22-23 (jurisdiction by place, county level and above): a district
        # bureau acts in its district, a municipal bureau in the whole city.
        d = self.departments.get(department)
        if d is None:
            return False
        return d.district is None or d.district == district

    def authority(self, department: str, matter_code: str, on: date, power: str | None = None) -> Authority | None:
        """The authority for `department` to act on `matter_code` on `on`; None when it has none.

        Seed §2(1) "whoever approves supervises; whoever is in charge supervises": a body acts on the
        matters it implements. Administrative Penalty Law art. 20: an entrusted body acts only on the
        entrusted matters (and powers), within the letter's term, in the entrustor's name.
        """
        m = self.matters.get(matter_code)
        if m is None or not m.in_force(on) or department not in self.departments:
            return None
        if department in m.implemented_by:
            return Authority(department=department, acting_body=department, matter_code=matter_code)
        for e in self.entrustments.values():
            if (e.entrustee == department and matter_code in e.matters and e.in_force(on)
                    and e.entrustor in m.implemented_by and (power is None or power in e.powers)):
                return Authority(department=e.entrustor, acting_body=department, matter_code=matter_code,
                                 entrustment=e.code)
        return None

    def matters_of(self, department: str, on: date) -> list[Matter]:
        return sorted((m for m in self.matters.values() if department in m.implemented_by and m.in_force(on)),
                      key=lambda m: m.code)

    def supervisor_of(self, approval_code: str) -> str | None:
        a = self.approval_items.get(approval_code)
        return a.supervising_department if a else None


# --- parsing ----------------------------------------------------------------------------------


def _date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise CatalogueError(where, f"not a date: {value!r}") from None


def _need(entry: dict[str, Any], key: str, where: str) -> Any:
    if key not in entry or entry[key] in (None, ""):
        raise CatalogueError(where, f"{key} is required")
    return entry[key]


def _one_of(value: Any, allowed: tuple[str, ...], where: str) -> str:
    if value not in allowed:
        raise CatalogueError(where, f"{value!r} is not one of {list(allowed)}")
    return str(value)


def _departments(doc: dict[str, Any]) -> dict[str, Department]:
    out: dict[str, Department] = {}
    for i, d in enumerate(doc.get("departments") or []):
        where = f"departments[{i}]"
        code = _need(d, "code", where)
        if code in out:
            raise CatalogueError(where, f"department {code} listed twice")
        level = _one_of(d.get("level", "municipal"), LEVELS, f"{where}.level")
        district = d.get("district")
        if level == "district" and district not in DISTRICTS:
            raise CatalogueError(f"{where}.district", f"a district body needs one of the 16 district codes, "
                                                      f"not {district!r}")
        if level == "municipal" and district is not None:
            raise CatalogueError(f"{where}.district", "a municipal body has the whole city, no district")
        functions = frozenset(d.get("functions") or [])
        if unknown := functions - set(FUNCTIONS):
            raise CatalogueError(f"{where}.functions", f"unknown {sorted(unknown)}; known: {list(FUNCTIONS)}")
        name = _need(d, "name", where)
        out[code] = Department(code=code, name_zh=name.get("zh", ""), name_en=name.get("en", ""),
                               kind=_one_of(d.get("kind", "department"), DEPARTMENT_KINDS, f"{where}.kind"),
                               level=level, district=district, functions=functions,
                               roles=frozenset(d.get("roles") or []))
    return out


def _matters(doc: dict[str, Any], departments: dict[str, Department]) -> dict[str, Matter]:
    out: dict[str, Matter] = {}
    for i, m in enumerate(doc.get("matters") or []):
        where = f"matters[{i}]"
        code = _need(m, "code", where)
        if code in out:
            raise CatalogueError(where, f"matter {code} listed twice")
        owner = _need(m, "department", where)
        implemented = frozenset(m.get("implemented_by") or [owner])
        for dept in {owner, *implemented}:
            if dept not in departments:
                raise CatalogueError(where, f"department {dept} is not in the catalogue")
        name = _need(m, "name", where)
        start = _date(m.get("effective_from", doc.get("effective_from")), f"{where}.effective_from")
        end = _date(m["effective_to"], f"{where}.effective_to") if m.get("effective_to") else None
        if end is not None and end < start:
            raise CatalogueError(f"{where}.effective_to", "ends before it starts")
        out[code] = Matter(code=code, department=owner, implemented_by=implemented,
                           main_item=_need(m, "main_item", where), sub_item=m.get("sub_item", ""),
                           name_zh=name.get("zh", ""), name_en=name.get("en", ""),
                           level=tuple(_one_of(v, LEVELS, f"{where}.level") for v in m.get("level") or ["municipal"]),
                           legal_basis=_need(m, "legal_basis", where),
                           supervisee_type=_need(m, "supervisee_type", where), approach=_need(m, "approach", where),
                           effective_from=start, effective_to=end)
    return out


def _entrustments(doc: dict[str, Any], departments: dict[str, Department],
                  matters: dict[str, Matter]) -> dict[str, Entrustment]:
    out: dict[str, Entrustment] = {}
    for i, e in enumerate(doc.get("entrustments") or []):
        where = f"entrustments[{i}]"
        code = _need(e, "code", where)
        entrustor, entrustee = _need(e, "entrustor", where), _need(e, "entrustee", where)
        for dept in (entrustor, entrustee):
            if dept not in departments:
                raise CatalogueError(where, f"department {dept} is not in the catalogue")
        listed = frozenset(_need(e, "matters", where))
        for mc in listed:
            if mc not in matters or entrustor not in matters[mc].implemented_by:
                raise CatalogueError(f"{where}.matters", f"{mc} is not a matter {entrustor} implements, "
                                                         f"so it cannot entrust it")
        out[code] = Entrustment(code=code, entrustor=entrustor, entrustee=entrustee, matters=listed,
                                powers=frozenset(_need(e, "powers", where)), letter_ref=_need(e, "letter_ref", where),
                                url=_need(e, "url", where), valid_from=_date(_need(e, "valid_from", where), where),
                                valid_to=_date(_need(e, "valid_to", where), where))
    return out


def _approval_items(doc: dict[str, Any], departments: dict[str, Department], matters: dict[str, Matter],
                    entrustments: dict[str, Entrustment]) -> dict[str, ApprovalItem]:
    out: dict[str, ApprovalItem] = {}
    for i, a in enumerate(doc.get("approval_items") or []):
        where = f"approval_items[{i}]"
        code = _need(a, "code", where)
        for key in ("examining_department", "supervising_department"):
            if _need(a, key, where) not in departments:
                raise CatalogueError(f"{where}.{key}", f"{a[key]} is not in the catalogue")
        if a.get("matter_code") and a["matter_code"] not in matters:
            raise CatalogueError(f"{where}.matter_code", f"{a['matter_code']} is not in the catalogue")
        if a.get("entrustment") and a["entrustment"] not in entrustments:
            raise CatalogueError(f"{where}.entrustment", f"{a['entrustment']} is not in the catalogue")
        name = _need(a, "name", where)
        out[code] = ApprovalItem(code=code, name_zh=name.get("zh", ""), examining_department=a["examining_department"],
                                 status=_one_of(_need(a, "status", where), APPROVAL_STATUSES, f"{where}.status"),
                                 supervising_department=a["supervising_department"],
                                 matter_code=a.get("matter_code"), entrustment=a.get("entrustment"))
    return out


def parse_version(doc: dict[str, Any]) -> CatalogueVersion:
    """A catalogue version from its document; CatalogueError names what does not hold together."""
    departments = _departments(doc)
    matters = _matters(doc, departments)
    entrustments = _entrustments(doc, departments, matters)
    return CatalogueVersion(
        version=str(_need(doc, "version", "catalogue")),
        effective_from=_date(_need(doc, "effective_from", "catalogue"), "catalogue.effective_from"),
        sample=bool(doc.get("sample", False)), departments=departments, matters=matters,
        approval_items=_approval_items(doc, departments, matters, entrustments), entrustments=entrustments)
