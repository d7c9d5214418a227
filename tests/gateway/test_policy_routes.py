"""The policy against the services' real routes (each app's OpenAPI, built with create_app).

INTENT below is an independent statement of who may call what, written from the services'
own role checks and the platform's rules, not copied from policy.yaml: every (caller, route)
pair of every service is checked against it. A new service route fails here until it is
given an expectation and a policy rule (or is listed as deliberately unreachable).
"""

from __future__ import annotations

import importlib
import re
from functools import cache

import pytest

from gateway.access.policy import KNOWN_ROLES, load_policy
from gateway.docs.openapi import sample_path
from shared.auth import Principal

POLICY = load_policy()
SERVICES = ("credit", "inspection", "casework", "disclosure", "coordination")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

D = frozenset(KNOWN_ROLES)  # every department role
EVERYONE = D | {"public", "hotline"}
CASE_READERS = frozenset({"case_officer", "legal_reviewer", "admin", "auditor", "head"})
CALLERS: dict[str, Principal] = {
    "public": Principal.public(),
    **{role: Principal(kind="department", client_id=f"scjgj-{role}", department="scjgj", roles=frozenset({role}))
       for role in sorted(KNOWN_ROLES)},
    "hotline": Principal(kind="service", client_id="hotline-1", department="hotline"),
}

# (method, gateway path template regex, who may call it); the first match wins.
INTENT: list[tuple[str, str, frozenset[str]]] = [
    # coordination: the catalogue is public; only the keeper (szfbgt, not among these callers) publishes
    ("GET", r"/coordination/catalogue(/page|/versions(/\{version\})?|/bulk/.*)?", EVERYONE),
    ("POST", r"/coordination/catalogue/versions", frozenset()),
    # disclosure: public, read-only
    ("GET", r"/disclosure/public/.*", EVERYONE),
    # credit
    ("GET", r"/credit/subjects(/\{uscc\}(/(records|grade|risk|measures))?)?", D),
    ("GET", r"/credit/records/\{record_id\}", D),
    ("GET", r"/credit/lists/(\{list_kind\}/entries|entries/\{entry_id\})", D),
    ("POST", r"/credit/subjects/\{uscc\}/records", frozenset({"credit_officer", "case_officer", "inspector"})),
    ("POST", r"/credit/subjects(/imports|/\{uscc\}/deregistration)?", frozenset({"credit_officer"})),
    ("PATCH", r"/credit/subjects/\{uscc\}", frozenset({"credit_officer"})),
    ("POST", r"/credit/lists/(sweep)|/credit/commitments/sweep", frozenset({"credit_officer", "admin"})),
    ("POST", r"/credit/lists/.*", frozenset({"credit_officer"})),
    ("GET", r"/credit/commitments(/\{commitment_id\})?", frozenset({"credit_officer", "case_officer", "auditor"})),
    ("POST", r"/credit/commitments(/\{commitment_id\}/(verification|rectification))?",
     frozenset({"credit_officer", "case_officer"})),
    ("POST", r"/credit/(repairs|objections)", frozenset({"public", "credit_officer"})),
    ("GET", r"/credit/(repairs|objections)(/\{[a-z_]+\})?", frozenset({"credit_officer", "auditor"})),
    ("POST", r"/credit/(repairs|objections)/\{[a-z_]+\}/(decision|flag)", frozenset({"credit_officer"})),
    # inspection
    ("GET", r"/inspection/items(/\{item_id\})?|/inspection/public/.*", EVERYONE),
    ("GET", r"/inspection/(objects|inspectors|plans|tasks|results)(/\{[a-z_]+\}(/history)?)?", D),
    ("POST", r"/inspection/inspectors", frozenset({"admin"})),
    ("PATCH", r"/inspection/inspectors/\{inspector_id\}", frozenset({"admin"})),
    ("POST|PATCH|DELETE", r"/inspection/items(/\{item_id\})?", frozenset({"inspector", "admin"})),
    ("GET", r"/inspection/plans/\{plan_id\}/(entries/\{uscc\}|audit)", D),
    ("POST", r"/inspection/(plans(/\{plan_id\}/(secret-commitment|commit|reveal|draw))?|key-inspections|tasks/\{task_id\}/reassign)",
     frozenset({"inspector", "admin"})),
    ("POST", r"/inspection/results(/\{result_id\}/publish)?", frozenset({"inspector", "admin"})),
    # casework
    ("GET", r"/casework/services", EVERYONE),
    # Open311 GeoReport v2: public reads; only intake clients (the hotline's) file, with their api_key
    ("GET", r"/casework/open311/v2/(services|requests|tokens)(/\{[a-z_]+\})?\.\{format\}", EVERYONE),
    ("POST", r"/casework/open311/v2/requests\.\{format\}", frozenset({"hotline"})),
    ("POST", r"/casework/complaints", frozenset({"public", "hotline", "case_officer"})),
    ("GET", r"/casework/complaints(/\{complaint_id\})?", (CASE_READERS - {"head"}) | {"hotline"}),
    ("POST", r"/casework/complaints/\{complaint_id\}/[a-z_]+", frozenset({"case_officer"})),
    ("GET", r"/casework/(cases|reviews|decisions)(/\{[a-z_]+\}(/(evidence|history|record))?)?", CASE_READERS),
    ("POST", r"/casework/reviews/\{review_id\}/(pass|reject)", frozenset({"legal_reviewer"})),
    ("POST", r"/casework/cases/\{case_id\}/clear_fact", frozenset({"legal_reviewer", "head"})),
    ("POST|PATCH", r"/casework/(cases|decisions)(/\{[a-z_]+\}(/[a-z_]+)?)?", frozenset({"case_officer"})),
    ("GET", r"/casework/discretion/benchmarks", EVERYONE),  # published (APL art. 34)
    ("GET|POST", r"/casework/discretion/\{violation_type\}/recommendation", frozenset({"case_officer", "legal_reviewer"})),
]


def expected(method: str, template: str) -> frozenset[str] | None:
    for methods, pattern, who in INTENT:
        if method in methods.split("|") and re.fullmatch(pattern, template):
            return who
    return None


@cache
def service_operations() -> list[tuple[str, str, str]]:
    """(service, method, gateway path template) of every operation every service documents."""
    ops = []
    for service in SERVICES:
        app = importlib.import_module(f"services.{service}.app").create_app()
        for path, item in app.openapi()["paths"].items():
            for method in item:
                ops.append((service, method.upper(), f"/{service}{path}"))
    return ops


def test_the_services_document_routes():
    counts = {s: sum(1 for o in service_operations() if o[0] == s) for s in SERVICES}
    assert all(n > 3 for n in counts.values()), counts


def test_every_service_route_is_covered_by_a_rule_or_listed_unreachable():
    uncovered = []
    for _, method, template in service_operations():
        path = sample_path(template)
        route = POLICY.match(method, path)
        if POLICY.is_unreachable(method, path):
            assert route is None, f"{method} {template} is both unreachable and routed"
            continue
        if route is None or not route.rules:
            uncovered.append(f"{method} {template}")
    assert not uncovered, "routes no policy rule grants (add a rule or list them unreachable):\n" + "\n".join(uncovered)


def test_every_caller_and_route_pair_matches_the_intent():
    wrong = []
    for _, method, template in service_operations():
        path = sample_path(template)
        if POLICY.is_unreachable(method, path):
            who: frozenset[str] = frozenset()
        else:
            who = expected(method, template)
            assert who is not None, f"no expectation for {method} {template}: add one to INTENT"
        for name, principal in CALLERS.items():
            allowed = POLICY.decide(principal, method, path).allowed
            if allowed != (name in who):
                wrong.append(f"{name:15} {method:6} {template}: policy {'allows' if allowed else 'denies'}")
    assert not wrong, "\n".join(wrong)


def test_unreachable_service_routes_are_denied_to_everyone():
    ops = [(m, t) for _, m, t in service_operations() if POLICY.is_unreachable(m, sample_path(t))]
    assert ops, "the services' health endpoints should be listed unreachable"
    for method, template in ops:
        for principal in CALLERS.values():
            assert not POLICY.decide(principal, method, sample_path(template)).allowed


def test_undocumented_methods_on_documented_paths_are_denied():
    documented: dict[str, set[str]] = {}
    operations = set()
    for _, method, template in service_operations():
        documented.setdefault(template, set()).add(method)
        operations.add((method, template))
    checked = 0
    for template, methods in documented.items():
        for method in set(METHODS) - methods:
            path = sample_path(template)
            route = POLICY.match(method, path)
            # A public catch-all (GET /disclosure/public/{rest:path}) covers unknown GETs on purpose,
            # and `GET /credit/commitments/sweep` is also `GET /credit/commitments/{commitment_id}`.
            if route is not None and (route.template.endswith("{rest:path}") and method == "GET"
                                      or (method, route.template) in operations):
                continue
            for name, principal in CALLERS.items():
                assert not POLICY.decide(principal, method, path).allowed, f"{name} {method} {template}"
            checked += 1
    assert checked > 100


@pytest.mark.parametrize("method, path", [
    ("GET", "/credit/no-such-thing"), ("DELETE", "/credit/subjects/91110000600037341L"),
    ("PUT", "/casework/cases/c1"), ("GET", "/inspection/plans/p1/secret"), ("POST", "/disclosure/public/records"),
    ("OPTIONS", "/credit/subjects"), ("GET", "/elsewhere"), ("GET", "/credit/subjects/x/../../casework/cases"),
])
def test_unknown_routes_and_methods_are_denied_to_everyone(method, path):
    for principal in CALLERS.values():
        assert not POLICY.decide(principal, method, path).allowed
