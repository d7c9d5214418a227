"""A changed decision is published as its new version (the old one withdrawn within 3 working days,
each naming the other); a hearing can be asked for until its window ends, even once a decision is
proposed.

Found: a changed decision was withdrawn with no way to publish the changed version; a party could no
longer request a hearing once a decision was proposed although the window was open.
"""

from __future__ import annotations

import pytest

from shared.workdays import working_deadline
from tests.auth_support import service_client
from tests.casework.support import (
    Callers,
    as_date,
    days_ago,
    investigating,
    ok,
    penalty,
    problem,
    ready_to_decide,
    rules,
    step,
)
from tests.contracts.support import deliver, queued

pytestmark = pytest.mark.anyio


async def test_a_changed_decision_is_published_as_its_new_version(databases, authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        case = await ready_to_decide(c, who, fine="30000.00")
        old = ok(await c.post("/decisions", json=penalty(case["id"], "30000.00", decided_on=days_ago(5)),
                              headers=who.officer), 201)
        change = penalty(None, "20000.00", change_reason="fine reduced on administrative reconsideration")
        # Every gate of a decision applies to the new version: here the statutory range.
        body = problem(await c.post(f"/decisions/{old['id']}/change", json=change | {"fine_amount": "60000.00"},
                                    headers=who.officer), 422)
        assert rules(body) == {"statutory_range"}
        assert ok(await c.get(f"/decisions/{old['id']}", headers=who.officer))["status"] == "issued"  # untouched
        new = ok(await c.post(f"/decisions/{old['id']}/change", json=change, headers=who.officer), 201)
        assert new["replaces_id"] == old["id"] and new["status"] == "issued" and new["fine_amount"] == "20000.00"
        assert new["decision_number"] != old["decision_number"]
        was = ok(await c.get(f"/decisions/{old['id']}", headers=who.officer))
        assert was["status"] == "changed" and was["replaced_by_id"] == new["id"]
        assert as_date(was["withdrawal_due"]) == working_deadline(as_date(new["decided_on"]), 3).due
        problem(await c.post(f"/decisions/{old['id']}/change", json=change, headers=who.officer), 409)
        issued = await queued(c, "sup.casework.decision.issued")
        revoked = await queued(c, "sup.casework.decision.revoked")
    assert [e.data.get("replaces") for e in issued] == [None, old["decision_number"]]
    [withdrawal] = revoked
    assert withdrawal.data["kind"] == "changed" and withdrawal.data["replaced_by"] == new["decision_number"]

    async with service_client("disclosure", databases, authority) as d:
        for event in (*issued, withdrawal):
            assert await deliver(d, event) == 1
        [public] = (await d.get("/public/records", params={"uscc": old["uscc"]})).json()["items"]
        assert public["content"]["decision_no"] == new["decision_number"]
        assert public["content"]["replaces"] == old["decision_number"]


async def test_a_hearing_may_be_requested_until_its_window_ends_even_once_a_decision_is_proposed(databases,
                                                                                                   authority):
    who = Callers(authority)
    async with service_client("casework", databases, authority) as c:
        case = await investigating(c, who)
        await step(c, who, case["id"], "notify_rights", {"penalty_kinds": ["licence_revocation"]})
        await step(c, who, case["id"], "propose_decision")
        heard = await step(c, who, case["id"], "request_hearing")
        assert heard["state"] == "hearing" and heard["hearing_requested_on"]

        late = await investigating(c, who, uscc="91310101MA1FP0002P")
        await step(c, who, late["id"], "notify_rights", {"penalty_kinds": ["licence_revocation"],
                                                         "on": days_ago(30)})
        await step(c, who, late["id"], "propose_decision")
        body = problem(await c.post(f"/cases/{late['id']}/request_hearing", json={}, headers=who.officer), 422)
        assert rules(body) == {"hearing_request_deadline"}

        none = await investigating(c, who, uscc="91310104MA1FQ0003X")
        await step(c, who, none["id"], "notify_rights", {"penalty_kinds": ["fine"], "fine_amount": "20000.00"})
        await step(c, who, none["id"], "propose_decision")
        problem(await c.post(f"/cases/{none['id']}/request_hearing", json={}, headers=who.officer), 409)
