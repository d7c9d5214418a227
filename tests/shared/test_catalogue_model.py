"""One catalogue version: who holds which matter, where, and under which entrustment, on a date."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from shared.auth import Principal
from shared.catalogue.model import CatalogueError, parse_version
from shared.catalogue.readmodel import (
    require_authority,
    require_function,
    sample_document,
)
from shared.errors import Forbidden

SAMPLE = sample_document()
V = parse_version(SAMPLE)
DAY = date(2026, 6, 1)


def caller(dept: str) -> Principal:
    return Principal(kind="department", client_id=f"{dept}-1", department=dept, roles=frozenset({"case_officer"}))


def test_a_department_acts_on_the_matters_it_implements_only():
    assert V.authority("scjgj", "scjgj-001", DAY).department == "scjgj"
    assert V.authority("xhscjgj", "scjgj-001", DAY).department == "xhscjgj"
    assert V.authority("yjj", "scjgj-001", DAY) is None
    with pytest.raises(Forbidden) as refused:
        require_authority(V, caller("yjj"), "scjgj-001", DAY)
    assert refused.value.extra["rule"] == "authority.matter_not_own"


def test_a_district_bureau_has_its_district_and_a_municipal_one_the_city():
    assert V.covers("xhscjgj", "310104") and not V.covers("xhscjgj", "310101")
    assert V.covers("scjgj", "310101") and V.covers("scjgj", "310151")
    with pytest.raises(Forbidden) as refused:
        require_authority(V, caller("xhscjgj"), "scjgj-001", DAY, district="310115")
    assert refused.value.extra["rule"] == "jurisdiction.outside_district"


def test_an_entrusted_team_acts_in_the_entrustors_name_within_the_letters_matters_powers_and_term():
    who = V.authority("xhzhzf", "scjgj-006", DAY, power="penalty")
    assert (who.department, who.acting_body, who.entrustment) == ("xhscjgj", "xhzhzf", "xhscjgj-wt-2026-01")
    assert V.authority("xhzhzf", "scjgj-001", DAY) is None  # not entrusted
    assert V.authority("xhzhzf", "scjgj-006", date(2025, 12, 31)) is None  # before the letter's term
    assert V.authority("xhzhzf", "scjgj-006", DAY, power="compulsory_measure") is None  # power not entrusted


def test_a_function_is_the_catalogues_and_checked_with_the_territory():
    assert require_function(V, caller("pdscjgj"), "registration_authority", district="310115", rule="r", what="w")
    for dept, district in (("sthjj", "310115"), ("pdscjgj", "310104")):
        with pytest.raises(Forbidden):
            require_function(V, caller(dept), "registration_authority", district=district, rule="r", what="w")


def test_a_matter_counts_only_within_its_own_dates():
    doc = copy.deepcopy(SAMPLE)
    next(m for m in doc["matters"] if m["code"] == "yjj-003")["effective_to"] = "2026-03-31"
    v = parse_version(doc)
    assert v.authority("yjj", "yjj-003", date(2026, 3, 31)) and v.authority("yjj", "yjj-003", date(2026, 4, 1)) is None


@pytest.mark.parametrize(("change", "where"), [
    (lambda d: d["departments"].append(dict(d["departments"][0])), "departments[15]"),
    (lambda d: d["departments"][1].update(district="319999"), "departments[1].district"),
    (lambda d: d["matters"][0].update(implemented_by=["nobody"]), "matters[0]"),
    (lambda d: d["entrustments"][0].update(matters=["yjj-001"]), "entrustments[0].matters"),
    (lambda d: d["approval_items"][0].update(status="revived"), "approval_items[0].status"),
])
def test_a_document_that_does_not_hold_together_names_the_entry(change, where):
    doc = copy.deepcopy(SAMPLE)
    change(doc)
    with pytest.raises(CatalogueError) as err:
        parse_version(doc)
    assert err.value.where == where
