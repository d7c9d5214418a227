from datetime import date

import pytest

from gateway.identity.tokens import load_catalogue
from services.casework.rules.first_offence import is_first_offence
from services.casework.rules.routing import (
    CASE_DEPARTMENTS,
    ROUTING_TABLES,
    decision_number,
    route_complaint,
)


def test_every_service_code_routes_to_a_matter_of_its_department_in_the_catalogue():
    catalogue = load_catalogue()
    for table in ROUTING_TABLES:
        for s in table.services.values():
            assert s.matter_code in {m.code for m in catalogue.matters_of(s.department, max(table.effective, catalogue.effective_from))}, \
                s.service_code
    assert route_complaint("food-safety").department == "scjgj"
    with pytest.raises(KeyError):
        route_complaint("no-such-service")


def test_case_departments_are_the_catalogues_departments():
    catalogue = load_catalogue()
    assert all(catalogue.matters_of(d, date.today()) for d in CASE_DEPARTMENTS)
    assert "hotline" not in CASE_DEPARTMENTS


def test_decision_numbers_per_department_and_year():
    assert decision_number("scjgj", 2026, 123) == "沪市监罚〔2026〕123号"
    assert decision_number("yjj", 2027, 1) == "沪药监罚〔2027〕1号"


def test_first_offence_means_no_earlier_penalty():
    assert is_first_offence([], date(2026, 5, 1))
    assert not is_first_offence([date(2024, 1, 2)], date(2026, 5, 1))
    assert is_first_offence([date(2026, 6, 1)], date(2026, 5, 1))
