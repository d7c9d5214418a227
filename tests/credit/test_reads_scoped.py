"""Reads by id follow the same department rule as the lists they come from (issue 12, part B):
another department neither lists nor reads by id a repair application (with the applicant's phone),
an objection or a commitment; auditors read all."""

from __future__ import annotations

import pytest

from tests.auth_support import service_client
from tests.credit.commitments.test_commitments_api import grant_body
from tests.credit.helpers import register
from tests.credit.repairs.test_repairs_objections_api import _penalty, application

pytestmark = pytest.mark.anyio


async def test_another_department_reads_no_repair_objection_or_commitment_by_id(databases, authority):
    """The finding: yjj's credit officer read scjgj's repair (with the phone), objection and commitment by id."""
    async with service_client("credit", databases, authority) as c:
        own = authority.headers("scjgj", "credit_officer")
        others = [authority.headers("yjj", "credit_officer"), authority.headers("yjj", "case_officer")]
        auditor = authority.headers("sthjj", "auditor")
        uscc = await register(c, authority)
        record = await _penalty(c, authority, uscc, days=400)
        repair = await c.post("/repairs", json=application(uscc, record["id"]))
        assert repair.status_code == 201, repair.text
        objection = await c.post("/objections", json={
            "uscc": uscc, "record_id": record["id"], "applicant_name": "张三", "applicant_contact": "13900000000",
            "grounds": "annulled on appeal"})
        assert objection.status_code == 201, objection.text
        commitment = await c.post("/commitments", json=grant_body(uscc), headers=own)
        assert commitment.status_code == 201, commitment.text
        paths = [f"/repairs/{repair.json()['id']}", f"/objections/{objection.json()['id']}",
                 f"/commitments/{commitment.json()['id']}"]
        for path in paths:
            for other in others:
                r = await c.get(path, headers=other)
                assert r.status_code == 403, (path, r.text)
                assert r.headers["content-type"].startswith("application/problem+json")
                assert "13800000000" not in r.text and "13900000000" not in r.text
            assert (await c.get(path, headers=others[0])).json()["rule"] == "read.own_department"
            mine = await c.get(path, headers=own)
            assert mine.status_code == 200, (path, mine.text)
            assert (await c.get(path, headers=auditor)).status_code == 200
        assert (await c.get(paths[0], headers=own)).json()["applicant_contact"] == "13800000000"
        # The lists say the same: nothing of scjgj's for yjj.
        for listing in ("/repairs", "/objections", "/commitments"):
            assert (await c.get(listing, headers=others[0])).json()["items"] == []
