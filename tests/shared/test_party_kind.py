"""GB 32100-2015 §4.1: the party's kind follows from its code."""

from shared.identifiers import is_natural_person, party_kind_of
from tests.disclosure.support import resident_id
from tests.redaction_strategies import INDIVIDUAL_BUSINESS, USCCS


def test_a_92_code_is_an_individual_business_run_by_a_natural_person():
    assert party_kind_of(INDIVIDUAL_BUSINESS) == "individual_business"
    assert is_natural_person(INDIVIDUAL_BUSINESS) and is_natural_person(INDIVIDUAL_BUSINESS.lower())


def test_other_codes_are_organisations_and_an_id_number_is_a_person():
    assert {party_kind_of(c) for c in USCCS} == {"organisation"}
    assert not any(is_natural_person(c) for c in USCCS)
    assert party_kind_of(resident_id()) == "person" and is_natural_person(resident_id())
    assert party_kind_of("") is None and party_kind_of("not a code") is None
