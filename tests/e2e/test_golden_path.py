"""The golden path through the gateway only, with department credentials, on SQLite and PostgreSQL.

The whole platform runs as it does in production shape: nats-server, the five services and
the gateway as separate processes (supervision's embedded runner), each on its own database.
"""

from __future__ import annotations

import asyncio
from xml.etree import ElementTree

import nats
import pytest

from shared.bus.credentials import OPERATOR, connect_options, password_file
from supervision.embedded.config import EmbeddedConfig, Ports
from supervision.embedded.runner import EmbeddedRun
from supervision.scenario import PERSONAL_DATA, Gateway, GoldenPath
from tests.support import free_port

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(600)]


@pytest.fixture
async def platform(databases, tmp_path):
    from gateway.identity.credentials import ensure_demo_clients
    from gateway.settings import GatewaySettings

    urls = {name: await databases.fresh(name)
            for name in ("gateway", "credit", "inspection", "casework", "disclosure", "coordination")}
    ports = Ports(gateway=free_port(), credit=free_port(), inspection=free_port(), casework=free_port(),
                  disclosure=free_port(), coordination=free_port(), nats=free_port())
    run = EmbeddedRun(EmbeddedConfig(data_dir=tmp_path, ports=ports, demo=False, log_level="WARNING",
                                     database_urls=urls), echo=lambda _m: None)
    await asyncio.to_thread(run.start)
    try:
        creds = ensure_demo_clients(GatewaySettings(key_dir=tmp_path / "keys",
                                                    clients_file=tmp_path / "keys" / "clients.json"))
        gw = Gateway(run.base_url("gateway"), creds)
        # An observer on every subject of the bus for the whole scenario (the operator's credentials:
        # the embedded bus refuses anonymous connections).
        with pytest.raises(Exception):  # noqa: B017 - nats-py raises its own family for a refused connect
            await nats.connect(run.nats_url, allow_reconnect=False, connect_timeout=2)
        observer = await nats.connect(run.nats_url, **connect_options(
            OPERATOR, None, password_file(run.bus_dir, OPERATOR)))
        gw.bus_messages = []

        async def overheard(msg) -> None:
            gw.bus_messages.append((msg.subject, dict(msg.headers or {}), msg.data))

        await observer.subscribe(">", cb=overheard)
        yield gw
        await observer.close()
        await gw.close()
    finally:
        await asyncio.to_thread(run.stop)


async def test_golden_path_through_the_gateway(platform):
    path = GoldenPath(platform)
    # The catalogue is public, versioned and marked sample; every service checks authority against it.
    catalogue = await path.catalogue_in_force()
    assert catalogue["sample"] is True and catalogue["entrustments"]
    versions = (await platform.call(None, "GET", "/coordination/catalogue/versions")).json()["items"]
    assert [v["version"] for v in versions] == [catalogue["version"]]
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
    assert all(verification["chain"].values()), verification["chain"]
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

    # A tip-off with its sender's name, phone, e-mail and ID number, and penalties on an individual
    # business and on a person whose facts hold the operator's home address, ID and mobile: none of
    # it in any message on any subject, nor in what the public sees.
    await path.tipoff_case()
    decisions = await path.natural_persons_penalised()
    numbers = [d["decision_number"] for d in decisions + [path.state["tipoff_decision"]]]

    async def all_published() -> str | None:
        text = (await platform.call(None, "GET", "/public/records", params={"limit": 100})).text
        return text if all(n in text for n in numbers) else None

    public = await platform.until(all_published, "the three penalties published")
    for code in path.state["natural_person_codes"]:
        public += (await platform.call(None, "GET", f"/public/subjects/{code}")).text
        public += (await platform.call(None, "GET", f"/site/subjects/{code}")).text
    secrets = [*PERSONAL_DATA, *path.state["operator_ids"]]
    leaked = [(subject, secret) for subject, headers, data in platform.bus_messages
              for secret in secrets if secret in data.decode("utf-8", "replace") + str(headers)]
    assert not leaked, leaked[:5]
    assert not [secret for secret in secrets if secret in public]
    subjects = {subject for subject, _, _ in platform.bus_messages}
    assert {"sup.casework.decision.issued", "sup.credit.record.added"} <= subjects
