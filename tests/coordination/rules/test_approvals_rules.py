"""Seed §4: who supervises an approval item follows from its status."""

from __future__ import annotations

import copy

import pytest

from services.coordination.rules.approvals import supervisor_problem
from shared.catalogue.model import parse_version
from shared.catalogue.readmodel import sample_document

SAMPLE = sample_document()


def item_with(code: str, **change):
    doc = copy.deepcopy(SAMPLE)
    next(a for a in doc["approval_items"] if a["code"] == code).update(change)
    v = parse_version(doc)
    return v.approval_items[code], v


def test_every_sample_item_is_supervised_as_its_status_says():
    v = parse_version(SAMPLE)
    assert all(supervisor_problem(a, v) is None for a in v.approval_items.values())


@pytest.mark.parametrize(("code", "change", "words"), [
    ("ap-drug-retail", {"supervising_department": "scjgj"}, "examining department"),
    ("ap-advertising-registration", {"supervising_department": "yjj"}, "competent department"),
    ("ap-device-class2-filing", {"matter_code": None}, "names the matter"),
    ("ap-food-business", {"supervising_department": "scjgj"}, "level it was delegated to"),
    ("ap-food-vendor", {"supervising_department": "xhzhzf"}, "entrusting department's name"),
    ("ap-food-vendor", {"entrustment": None}, "names the entrustment"),
])
def test_a_supervisor_the_status_does_not_allow_is_named(code, change, words):
    item, v = item_with(code, **change)
    assert words in (supervisor_problem(item, v) or "")
