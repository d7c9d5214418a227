from services.casework.rules.investigation import check_investigators
from services.casework.rules.penalties import EvidenceType

SUBJECT = "91110000600037341L"


def codes(problems):
    return [p.code for p in problems]


def test_two_investigators_without_interest_are_fine():
    assert check_investigators(["a", "b"], {}, SUBJECT) == []


def test_at_least_two_distinct_investigators():
    assert "too_few_investigators" in codes(check_investigators(["a"], {}, SUBJECT))
    assert codes(check_investigators(["a", "a"], {}, SUBJECT)) == [
        "duplicate_investigator",
        "too_few_investigators",
    ]


def test_investigator_with_declared_interest_must_withdraw():
    problems = check_investigators(
        ["a", "b"], {"b": [SUBJECT], "a": ["other"]}, SUBJECT
    )
    assert codes(problems) == ["recusal_interest"] and problems[0].officer_id == "b"


def test_investigator_may_not_be_the_reviewer():
    problems = check_investigators(["a", "b"], {}, SUBJECT, reviewer_id="a")
    assert codes(problems) == ["recusal_reviewer"]


def test_evidence_types_are_the_statutory_list():
    assert {e.value for e in EvidenceType} == {
        "documentary",
        "physical",
        "audio_visual",
        "electronic_data",
        "witness_testimony",
        "party_statement",
        "expert_opinion",
        "inspection_record",
        "on_site_record",
    }
