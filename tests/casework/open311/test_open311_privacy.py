"""Property: what the public reads of an Open311 request never depends on what the reporter gave (nor on
the officer's free-text reasons), in every status and case state, in json and xml."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from services.casework.models import Case, Complaint
from services.casework.open311.service import public_request
from services.casework.rules.routing import ROUTING_TABLES
from services.casework.rules.workflow import CaseState
from shared.catalogue.model import parse_version
from shared.catalogue.readmodel import sample_document
from shared.open311 import render
from tests.redaction_strategies import USCCS

CATALOGUE = parse_version(sample_document())
TEXT = st.text(min_size=1, max_size=60)
reporter_gave = st.fixed_dictionaries({
    "kind": st.sampled_from(["complaint", "tip_off"]),
    "description": TEXT,
    "address_string": st.none() | TEXT,
    "lat": st.none() | st.decimals(-90, 90, places=6),
    "long": st.none() | st.decimals(-180, 180, places=6),
    "media_url": st.none() | TEXT.map(lambda t: "https://example.cn/" + t),
    "business_uscc": st.none() | st.sampled_from(USCCS),
    "business_name": st.none() | TEXT,
    "channel": st.sampled_from(["public", "hotline", "department"]),
    "submitted_by": st.none() | TEXT,
    "real_name": st.booleans(),
    "answer_reason": st.none() | TEXT,
    "answered_by": st.none() | TEXT,
})


@settings(max_examples=200, deadline=None)
@given(first=reporter_gave, second=reporter_gave, status=st.sampled_from(["received", "accepted", "refused"]),
       state=st.sampled_from(list(CaseState)), transferred_to=st.none() | st.sampled_from(["yjj", "jtw"]))
def test_the_public_answer_is_the_same_whatever_the_reporter_wrote(first, second, status, state, transferred_to):
    table = ROUTING_TABLES[-1]
    received = date(2026, 11, 2)
    fixed = {"id": "01a2312f-1703-725c-831c-12d0d6924885", "service_code": "food-safety", "department": "scjgj",
             "matter_code": "scjgj-001", "routing_version": table.version, "status": status, "received_on": received,
             "acceptance_due": received + timedelta(days=9), "created_at": datetime(2026, 11, 2, 3, 4, 5, tzinfo=UTC),
             "answered_on": None if status == "received" else received + timedelta(days=2),
             "case_id": "case-1" if status == "accepted" else None}
    case = Case(id="case-1", state=state.value, transferred_to=transferred_to,
                updated_at=datetime(2026, 11, 20, tzinfo=UTC)) if status == "accepted" else None
    answers = []
    for gave in (first, second):
        one = public_request(Complaint(**fixed, **gave), case, CATALOGUE).model_dump()
        answers.append([render(fmt, "service_requests", [one]) for fmt in ("json", "xml")])
    assert answers[0] == answers[1]
    assert fixed["id"].encode() in answers[0][0] and b"<status>" in answers[0][1]
