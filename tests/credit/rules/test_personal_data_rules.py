"""Who sees a legal representative's ID number whole."""

from __future__ import annotations

from services.credit.rules.personal_data import may_see_full_id_number


def test_only_the_registering_departments_credit_officer_sees_the_whole_number():
    assert may_see_full_id_number({"credit_officer"}, keeps_the_registration=True)
    assert not may_see_full_id_number({"credit_officer"}, keeps_the_registration=False)
    assert not may_see_full_id_number({"auditor"}, keeps_the_registration=True)
    assert not may_see_full_id_number({"inspector", "case_officer"}, keeps_the_registration=True)
