"""The golden path through the gateway only, with department credentials, on SQLite and PostgreSQL.

The whole platform runs as it does in production shape: nats-server, the four services and
the gateway as separate processes (supervision's embedded runner), each on its own database.
"""

from __future__ import annotations

import asyncio
from xml.etree import ElementTree

import pytest

from supervision.embedded.config import EmbeddedConfig, Ports
from supervision.embedded.runner import EmbeddedRun
from supervision.scenario import Gateway, GoldenPath
from tests.support import free_port

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(600)]


@pytest.fixture
async def platform(databases, tmp_path):
    from gateway.identity.credentials import ensure_demo_clients
    from gateway.settings import GatewaySettings

    urls = {name: await databases.fresh(name) for name in ("gateway", "credit", "inspection", "casework", "disclosure")}
    ports = Ports(gateway=free_port(), credit=free_port(), inspection=free_port(), casework=free_port(),
                  disclosure=free_port(), nats=free_port())
    run = EmbeddedRun(EmbeddedConfig(data_dir=tmp_path, ports=ports, demo=False, log_level="WARNING",
                                     database_urls=urls), echo=lambda _m: None)
    await asyncio.to_thread(run.start)
    try:
        creds = ensure_demo_clients(GatewaySettings(key_dir=tmp_path / "keys",
                                                    clients_file=tmp_path / "keys" / "clients.json"))
        gw = Gateway(run.base_url("gateway"), creds)
        yield gw
        await gw.close()
    finally:
        await asyncio.to_thread(run.stop)


async def test_golden_path_through_the_gateway(platform):
    path = GoldenPath(platform)
    await path.register_subjects()
    await path.objects_arrive()
    await path.prepare_inspection()

    # Plan → draw: committed before the draw, then drawn with at least one object per stratum.
    draw = await path.plan_and_draw()
    plan = path.state["plan"]
    assert draw["selected_count"] >= 1

    # Verify: from the published record alone, and through the public API.
    verification = await path.verify_draw()
    assert verification["local_ok"] and verification["mismatches"] == []
    assert verification["remote"]["ok"] is True
    published = path.state["published_draw"]
    assert published["seed_commitment"] == plan["seed_commitment"] or plan.get("seed_commitment") is None

    # Assign: at least two inspectors, one from each department of the joint plan where possible.
    task = await path.assigned_task()
    assert len(task["inspector_ids"]) >= 2
    assert task["departments"] == ["scjgj", "yjj"] or sorted(task["departments"]) == ["scjgj", "yjj"]

    # A department that is not the caller's cannot record the result: only the assigned inspectors may.
    result = await path.record_problem()
    assert result["outcome"] == "problems_found"

    # The result becomes a case lead in casework, linked to its source.
    case = await path.case_from_lead()
    assert case["uscc"] == task["uscc"]

    await path.investigate()
    # Legal review gate: the decision is refused until a reviewer passes the review.
    await path.legal_review()
    assert path.state["refused_before_review"] == 409
    decision = await path.decide()
    assert decision["decision_number"]
    # A retried POST with the same Idempotency-Key, through the gateway, replays the first answer.
    assert path.state["decision_retry"] == {"status": 201, "id": decision["id"], "replayed": "true"}

    # Credit turns the decision into a record and regrades the subject.
    credit = await path.credit_record_and_grade()
    assert credit["record"]["kind"] == "penalty"
    before, after = path.state["grade_before"], credit["grade"]
    assert (after["grade"], after.get("score")) != (before["grade"], before.get("score"))
    assert any(c.get("record_id") == credit["record"]["id"] for c in after["contributions"])

    # Disclosure publishes it: API, feed and site; the log grows.
    shown = await path.disclosed()
    number = decision["decision_number"]
    assert number in str(shown["record"])
    assert any(number in str(item) for item in shown["feed"]["items"])
    assert number in shown["site"]
    atom = (await platform.call(None, "GET", "/public/feed.atom", params={"uscc": task["uscc"]})).text
    ElementTree.fromstring(atom)  # well-formed Atom
    assert number in atom

    # Repair → withdrawal everywhere; the log records the withdrawal and stays consistent.
    repair = await path.repair()
    assert repair["status"] == "approved"
    gone = await path.withdrawn()
    assert number not in gone["site"]
    assert any(item.get("_disclosure", {}).get("kind") == "withdrawn" for item in gone["feed"]["items"])
    log = await path.log_consistent()
    assert log["second"]["tree_size"] > log["first"]["tree_size"]
    assert log["consistent"] is True
