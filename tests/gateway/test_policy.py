"""gateway.access.policy: deny by default, public reach, role mapping, naming what is missing."""

import pytest

from gateway.access.policy import Policy, PolicyError, load_policy
from shared.auth import Principal

POLICY = load_policy()


def dept(*roles, department="scjgj", kind="department"):
    return Principal(kind=kind, client_id=f"{department}-1", department=department,
                     roles=frozenset(roles))


def test_policy_is_versioned():
    assert POLICY.version


def test_unknown_route_and_method_denied_by_default():
    admin = dept("admin", "auditor", "credit_officer", "inspector", "case_officer", "legal_reviewer")
    for method, path in [("GET", "/credit/secret"), ("GET", "/nowhere"), ("DELETE", "/credit/records"),
                         ("OPTIONS", "/credit/records"), ("TRACE", "/")]:
        d = POLICY.decide(admin, method, path)
        assert not d.allowed and d.rule_id is None and d.missing


def test_public_reaches_only_disclosure_public_reads_and_the_site():
    for path in ["/", "/public/penalties", "/disclosure/public/subjects/91110000600037341L",
                 "/disclosure/public"]:
        assert POLICY.decide(None, "GET", path).allowed, path
        assert POLICY.decide(None, "HEAD", path).allowed, path
    for method, path in [("GET", "/credit/subjects"), ("GET", "/inspection/plans"),
                         ("GET", "/casework/cases"), ("GET", "/disclosure/admin/publications"),
                         ("POST", "/disclosure/public/anything"), ("POST", "/credit/records"),
                         ("DELETE", "/public/x")]:
        assert not POLICY.decide(Principal.public(), method, path).allowed, (method, path)


def test_public_may_file_a_complaint_by_the_explicit_anonymous_write_rule():
    d = POLICY.decide(None, "POST", "/casework/complaints")
    assert d.allowed and d.rule_id == "public-complaint-intake"


def test_dot_segments_never_match():
    assert not POLICY.decide(None, "GET", "/public/../credit/records").allowed
    assert not POLICY.decide(None, "GET", "/disclosure/public/./x").allowed
    assert not POLICY.decide(None, "GET", "/disclosure//public/x").allowed


def test_role_mapping():
    assert POLICY.decide(dept("credit_officer"), "POST", "/credit/subjects").rule_id == "credit-officer"
    assert POLICY.decide(dept("inspector"), "GET", "/credit/subjects/91110000600037341L/grade").allowed
    assert POLICY.decide(dept("inspector"), "POST", "/inspection/results").allowed
    assert not POLICY.decide(dept("inspector"), "POST", "/credit/subjects").allowed
    assert POLICY.decide(dept("legal_reviewer"), "POST", "/casework/reviews/r1/pass").allowed
    assert not POLICY.decide(dept("case_officer"), "POST", "/casework/reviews/r1/pass").allowed
    assert POLICY.decide(dept("auditor"), "GET", "/casework/decisions/d1").allowed
    assert not POLICY.decide(dept("auditor"), "POST", "/casework/decisions").allowed
    assert POLICY.decide(dept("admin"), "POST", "/inspection/inspectors").allowed
    assert not POLICY.decide(dept("inspector"), "POST", "/inspection/inspectors").allowed


def test_decision_names_the_purpose():
    d = POLICY.decide(dept("inspector"), "GET", "/credit/subjects/91110000600037341L")
    assert d.group == "credit.read" and d.route == "/credit/subjects/{uscc}"
    assert POLICY.purposes["credit.read"]


def test_hotline_service_files_complaints_but_reads_no_cases():
    hotline = dept(kind="service", department="hotline")
    assert POLICY.decide(hotline, "POST", "/casework/complaints").rule_id == "hotline-intake"
    assert not POLICY.decide(hotline, "GET", "/casework/cases").allowed
    other_service = dept(kind="service", department="jtw")
    assert not POLICY.decide(other_service, "GET", "/casework/complaints").allowed


def test_missing_permission_is_named():
    d = POLICY.decide(dept("inspector"), "POST", "/credit/subjects")
    assert d.missing == "role credit_officer for POST /credit/subjects"
    d = POLICY.decide(None, "PATCH", "/credit/subjects/91110000600037341L")
    assert d.missing == "a department credential with role credit_officer for PATCH /credit/subjects/{uscc}"
    assert d.route == "/credit/subjects/{uscc}"


def test_department_restricted_rule():
    doc = {"version": "t1", "routes": {"g": ["GET /credit/x"]},
           "rules": [{"id": "only-yjj", "kind": "department", "departments": ["yjj"],
                      "roles": ["auditor"], "allow": ["g"]}]}
    p = Policy(doc)
    assert p.decide(dept("auditor", department="yjj"), "GET", "/credit/x").allowed
    assert not p.decide(dept("auditor", department="scjgj"), "GET", "/credit/x").allowed


def test_policy_refuses_public_writes_without_explicit_flag():
    doc = {"version": "t1", "routes": {"g": ["POST /credit/records"]},
           "rules": [{"id": "oops", "kind": "public", "allow": ["g"]}]}
    with pytest.raises(PolicyError, match="anonymous_write"):
        Policy(doc)


@pytest.mark.parametrize("doc, message", [
    ({"routes": {}, "rules": []}, "version"),
    ({"version": "1", "routes": {"g": ["GET /x"]},
      "rules": [{"id": "r", "kind": "department", "roles": ["root"], "allow": ["g"]}]}, "unknown roles"),
    ({"version": "1", "routes": {},
      "rules": [{"id": "r", "kind": "department", "allow": ["missing"]}]}, "unknown route groups"),
    ({"version": "1", "routes": {"g": ["FETCH /x"]}, "rules": []}, "unknown method"),
])
def test_inconsistent_policy_refused_at_load(doc, message):
    with pytest.raises(PolicyError, match=message):
        Policy(doc)


def test_specific_template_wins_over_catch_all():
    doc = {"version": "1", "routes": {"a": ["GET /d/{rest:path}"], "b": ["GET /d/special"]},
           "rules": [{"id": "ra", "kind": "public", "allow": ["a"]},
                     {"id": "rb", "kind": "department", "allow": ["b"]}]}
    assert Policy(doc).decide(None, "GET", "/d/special").route == "/d/special"
