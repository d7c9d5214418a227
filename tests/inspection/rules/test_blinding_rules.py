"""Grades stay internal (rules/blinding.py): the public, a company and an auditor each check their part."""

from __future__ import annotations

import copy
import json
from datetime import date

from services.inspection.rules.blinding import (
    check_audit,
    check_entry,
    check_public,
    draw_blinded,
    member_salt,
    salt_key_commitment,
)
from services.inspection.rules.draw import Subject
from services.inspection.rules.ratios import ratio_table_in_force

TABLE = ratio_table_in_force(date(2026, 12, 1))
SEED, KEY = bytes(range(32)), bytes(range(100, 132))
POPULATION = [Subject(uscc=f"9131{i:014d}", grade="ABCD"[i % 4], red_list=i % 11 == 0,
                      risk_level=[None, "low", "high"][i % 3], district=f"D{i % 2}") for i in range(900)]
MEMBERS = [{"uscc": s.uscc, "grade": s.grade, "red_list": s.red_list, "risk_level": s.risk_level} for s in POPULATION]


def _record() -> dict:
    _, public = draw_blinded("plan-b", SEED, POPULATION, TABLE, KEY)
    return {"plan_id": "plan-b", "seed": SEED.hex(), "commitment": {"salt_key_commitment": salt_key_commitment(KEY)},
            **json.loads(json.dumps(public))}


def test_the_public_record_names_no_company_with_its_stratum():
    record = _record()
    text = json.dumps({k: v for k, v in record.items() if k != "drawn"})
    assert not any(s.uscc in text for s in POPULATION)  # strata list tags only
    assert all(set(d) == {"uscc", "district", "group_id"} for d in record["drawn"])  # drawn: no stratum, no grade
    assert len(record["drawn"]) == sum(st["k"] for st in record["strata"]) > 0


def test_anyone_checks_structure_root_and_selection_without_salts():
    record = _record()
    assert check_public(record, TABLE) == []
    swapped = copy.deepcopy(record)
    first = swapped["strata"][0]
    first["selected"][0] = next(t for t in swapped["population"][first["name"]] if t not in first["selected"])
    assert any("selection differs" in p for p in check_public(swapped, TABLE))
    moved = copy.deepcopy(record)  # one tag moved to another stratum (a company regraded after the commit)
    a, b = moved["strata"][0]["name"], moved["strata"][1]["name"]
    moved["population"][b].append(moved["population"][a].pop())
    assert any("root mismatch" in p for p in check_public(moved, TABLE))
    fewer = copy.deepcopy(record)
    fewer["drawn"].pop()
    assert any("listed as drawn" in p for p in check_public(fewer, TABLE))


def test_a_company_checks_its_own_entry_and_rank_with_its_salt():
    record = _record()
    drawn = {d["uscc"] for d in record["drawn"]}
    for s in POPULATION[:60]:
        entry = check_entry(record, s.uscc, member_salt(KEY, s.uscc))
        assert entry.problems == () and entry.stratum is not None
        assert entry.drawn == (s.uscc in drawn) == (entry.rank <= entry.k)
        assert entry.stratum.startswith(s.grade)  # the company, and only it, learns its stratum
    victim = next(s.uscc for s in POPULATION if s.uscc not in drawn)
    forged = copy.deepcopy(record)
    forged["drawn"].append({"uscc": victim, "district": None, "group_id": None})
    assert check_entry(forged, victim, member_salt(KEY, victim)).problems == (
        "listed as drawn but its tag was not selected",)
    assert check_entry(record, victim, b"\x00" * 16).stratum is None  # a wrong salt finds no entry


def test_an_auditor_checks_everything_from_the_full_record():
    record = _record()
    assert check_audit(record, KEY, MEMBERS, TABLE) == []
    assert check_audit(record, b"\x01" * 32, MEMBERS, TABLE)[0] == "the salt key is not the committed one"
    regraded = [dict(m) for m in MEMBERS]
    regraded[5]["grade"] = "A" if regraded[5]["grade"] != "A" else "B"
    assert any("published tags are not its members'" in p for p in check_audit(record, KEY, regraded, TABLE))
    swapped = copy.deepcopy(record)
    outsider = next(s.uscc for s in POPULATION if s.uscc not in {d["uscc"] for d in record["drawn"]})
    swapped["drawn"][0]["uscc"] = outsider  # the public sees the right count; the auditor sees the swap
    assert check_public(swapped, TABLE) == []
    assert check_audit(swapped, KEY, MEMBERS, TABLE) == ["the drawn companies are not the companies of the selected tags"]
