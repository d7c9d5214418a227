"""`supervision verify-draw`: the whole chain from public data alone, over real HTTP and from files.

Inspection and disclosure run on one real nats-server: the plan's commitment reaches the signed log
through the bus, as in production. Each link of the chain is broken once and must be named."""

from __future__ import annotations

import asyncio
import copy
import json
import os
from contextlib import AsyncExitStack, asynccontextmanager

import pytest
import uvicorn
from typer.testing import CliRunner

from services.inspection.rules.assignment import Inspector, assign_inspectors
from services.inspection.rules.draw import Subject, draw_strata
from services.inspection.rules.seed import (
    commitment_digest,
    derive_seed,
    secret_commitment,
)
from services.inspection.rules.verify import table_from_json, verify_draw
from supervision.cli import app as cli
from supervision.draw_chain import verify_chain
from tests.auth_support import service_client
from tests.inspection.helpers import (
    commit,
    commit_and_draw,
    draw,
    make_inspector,
    make_item,
    make_plan,
    reveal_all,
    seed_objects,
    uscc,
)
from tests.support import free_port, wait_for

pytestmark = pytest.mark.anyio


@asynccontextmanager
async def served_over_http(app):
    """The running app behind a real HTTP socket (its lifespan already runs in service_client)."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


def _run(*args: str):
    return CliRunner().invoke(cli, ["verify-draw", *args])


async def _logged(d, plan_id: str, *, drawn: bool) -> dict:
    async def ready():
        r = await d.get(f"/public/draws/{plan_id}/evidence")
        return r.json() if r.status_code == 200 and (r.json()["draw"] is not None or not drawn) else None
    return await wait_for(ready, what=f"plan {plan_id} in the log")


async def _prepare(c, authority, n: int = 200) -> str:
    await seed_objects(c.app, [{"uscc": uscc(i), "grade": "ABCD"[i % 4], "red": i % 9 == 0} for i in range(n)])
    item = await make_item(c, authority, "CLI-1")
    for j in range(4):
        await make_inspector(c, authority, f"c{j}", interests=[uscc(j)])
    return (await make_plan(c, authority, [item["id"]]))["id"]


def reforged(record: dict) -> dict:
    """What a forger with the project's own rules makes: new secret, its commitment, the seed it gives,
    and the selection and assignment recomputed, so the record agrees with itself."""
    out = copy.deepcopy(record)
    secrets = {d: os.urandom(32) for d in out["commitment"]["departments"]}
    out["commitment"]["secret_commitments"] = {d: secret_commitment(s) for d, s in secrets.items()}
    out["seed_commitment"] = commitment_digest(out["commitment"])
    out["reveal"]["secrets"] = {d: s.hex() for d, s in secrets.items()}
    seed = derive_seed(out["commitment"], secrets, out["reveal"]["beacon_value"])
    out["seed"] = seed.hex()
    keys = {st["name"]: (st["grade"], st["red_list"], st["risk_level"]) for st in out["strata"]}
    redo = draw_strata(out["plan_id"], seed, {keys[n]: [t.encode() for t in tags] for n, tags in out["population"].items()},
                       table_from_json(out["ratio_table"]), population_root=out["population_root"],
                       population_count=out["population_count"])
    for st, new in zip(out["strata"], redo.strata, strict=True):
        st["selected"] = list(new.selected)
    a = out["assignment"]
    drawn = [Subject(d["uscc"], district=d["district"], group_id=d["group_id"]) for d in out["drawn"]]
    inspectors = [Inspector(id=i["id"], department=i["department"], qualifications=frozenset(i["qualifications"]),
                            districts=frozenset(i["districts"]), active=i["active"]) for i in a["inspectors"]]
    again = assign_inspectors(out["plan_id"], seed, drawn, inspectors, a["departments"],
                              last_inspectors={u: frozenset(v) for u, v in a["excluded"].items()})
    a["assigned"] = {u: list(v) for u, v in again.assigned.items()}
    a["unassigned"] = dict(again.unassigned)
    return out


def _failed(links) -> dict[str, str]:
    return {link.name: link.detail for link in links if not link.ok}


async def test_the_chain_verifies_over_http_and_from_files_and_each_broken_link_is_named(
        databases, authority, nats_server, tmp_path):
    async with AsyncExitStack() as stack:
        c = await stack.enter_async_context(service_client("inspection", databases, authority, nats_server.url))
        d = await stack.enter_async_context(service_client("disclosure", databases, authority, nats_server.url))
        plan = await _prepare(c, authority)
        secrets = await commit(c, authority, plan, delay=3.0)  # time for the log to record it before the beacon
        await _logged(d, plan, drawn=False)
        saved = (await d.get("/public/log/tree-head")).json()  # a citizen saves the head after the commit
        await reveal_all(c, authority, plan, secrets)
        await draw(c, authority, plan)
        await _logged(d, plan, drawn=True)
        record = (await c.get(f"/public/draws/{plan}")).json()
        key_pem = (await d.get("/public/log/key")).json()["public_key_pem"]
        evidence = (await d.get(f"/public/draws/{plan}/evidence", params={"since": saved["tree_size"]})).json()
        page = (await d.get(f"/site/draws/{plan}")).text
        drawn_one = record["drawn"][0]["uscc"]
        left_out = next(uscc(i) for i in range(200) if uscc(i) not in {x["uscc"] for x in record["drawn"]})
        admin, auditor = authority.headers("scjgj", "admin"), authority.headers("scjgj", "auditor")
        entries = {u: (await c.get(f"/plans/{plan}/entries/{u}", headers=admin)).json() for u in (drawn_one, left_out)}
        assert (await c.get(f"/plans/{plan}/entries/{uscc(999)}", headers=admin)).status_code == 404
        assert (await c.get(f"/plans/{plan}/audit", headers=admin)).status_code == 403  # grades: auditors only
        audit = (await c.get(f"/plans/{plan}/audit", headers=auditor)).json()
        protocol = await d.get("/site/draws/protocol")
        (tmp_path / "head.json").write_text(json.dumps(saved))
        (tmp_path / "key.pem").write_text(key_pem)

        base_i = await stack.enter_async_context(served_over_http(c.app))
        base_d = await stack.enter_async_context(served_over_http(d.app))
        ok = await asyncio.to_thread(_run, plan, "--url", base_i, "--log-url", base_d,
                                     "--head", str(tmp_path / "head.json"), "--key", str(tmp_path / "key.pem"))
        missing = await asyncio.to_thread(_run, "0000-no-such-plan", "--url", base_i, "--log-url", base_d)
    assert ok.exit_code == 0, ok.output
    assert "population" not in evidence["draw"]["content"]["verification"]  # members' grades never travel
    assert "OK   saved head" in ok.stdout and "OK   logged before the draw" in ok.stdout
    assert missing.exit_code == 2 and "404" in missing.output

    # The citizen's page: every drawn company with its inspectors, the strata (sizes, ratios, k), the verdict,
    # the command; no company next to its stratum (grades are internal).
    names = {i["id"]: i["name"] for i in record["assignment"]["inspectors"]}
    for d in record["drawn"]:
        assert f"<code>{d['uscc']}</code></td><td>" in page
        assert all(f"{names[i]} (scjgj)" in page for i in record["assignment"]["assigned"][d["uscc"]])
    for st in record["strata"]:
        assert f"<td>{st['name']}</td><td>{st['population']}</td><td>{st['ratio']}</td><td>{st['k']}</td>" in page
    assert page.count("✔ 成立 holds") == 5 and "✘" not in page
    assert f"supervision verify-draw {plan} --file record.json --evidence evidence.json --key key.json" in page
    assert protocol.status_code == 200 and "Who can influence what" in protocol.text

    # Nothing listens any more: no traceback, the link that could not be had is named.
    gone = _run(plan, "--url", base_i, "--log-url", base_d)
    assert gone.exit_code == 2 and "CANNOT VERIFY" in gone.output and "ConnectError" in gone.output
    assert "Traceback" not in gone.output and isinstance(gone.exception, SystemExit)

    files = {name: tmp_path / f"{name}.json" for name in ("record", "evidence")}
    files["record"].write_text(json.dumps(record))
    files["evidence"].write_text(json.dumps(evidence))
    offline = ["--file", str(files["record"]), "--evidence", str(files["evidence"]), "--key", str(tmp_path / "key.pem"),
               "--head", str(tmp_path / "head.json")]
    assert _run(plan, *offline).exit_code == 0
    # The three views: anyone (above), a company with its salt, an auditor with the audit record.
    for u, was_drawn in ((drawn_one, True), (left_out, False)):
        out = _run(plan, *offline, "--entry", u, "--salt", entries[u]["salt"])
        assert out.exit_code == 0 and f"OK   own entry: {u} is tag {entries[u]['tag']}" in out.stdout, out.stdout
        assert out.stdout.split("own entry:")[1].split("\n")[0].endswith(": drawn" if was_drawn else ": not drawn")
    (tmp_path / "audit.json").write_text(json.dumps(audit))
    audited = _run(plan, *offline, "--audit", str(tmp_path / "audit.json"))
    assert audited.exit_code == 0 and "OK   audit: 200 members each in its stratum" in audited.stdout
    assert not any("grade" in json.dumps(x) for x in (record["drawn"], record["population"]))
    swapped = copy.deepcopy(record)  # another company named as drawn: the public sees the count, not the swap
    swapped["drawn"][0]["uscc"] = left_out
    swapped["assignment"]["assigned"][left_out] = swapped["assignment"]["assigned"].pop(drawn_one)
    files["record"].write_text(json.dumps(swapped))
    out = _run(plan, *offline, "--audit", str(tmp_path / "audit.json"), "--entry", left_out,
               "--salt", entries[left_out]["salt"])
    assert "FAIL audit: the drawn companies are not the companies of the selected tags" in out.stdout
    assert "FAIL own entry: listed as drawn but its tag was not selected" in out.stdout and out.exit_code == 1
    files["record"].write_text(json.dumps(record))
    assert not _failed(verify_chain(record, evidence, pinned_key=key_pem, saved_head=saved))

    # The re-forged record agrees with itself (what the old verifier checked) but not with the log.
    forged = reforged(record)
    assert verify_draw(forged).ok
    files["record"].write_text(json.dumps(forged))
    out = _run(plan, *offline)
    assert out.exit_code == 1 and "FAIL record matches log: the record's seed_commitment" in out.stdout, out.stdout

    def broken(rec=record, ev=evidence, key=key_pem, head=saved) -> dict[str, str]:
        return _failed(verify_chain(rec, ev, pinned_key=key, saved_head=head))

    other_key = evidence | {"key": {"public_key_pem": "-----BEGIN PUBLIC KEY-----\nx\n-----END PUBLIC KEY-----\n"}}
    assert set(broken(ev=other_key)) == {"log key"}
    assert set(broken(ev=evidence | {"tree_head": evidence["tree_head"] | {"tree_size": 1}})) == {"tree head"}
    assert set(broken(head=saved | {"root_hash": "0" * 64})) == {"saved head"}
    assert set(broken(ev=evidence | {"consistency": None})) == {"saved head"}
    changed_plan = copy.deepcopy(evidence)
    changed_plan["plan"]["content"]["population_root"] = "1" * 64
    assert "does not hash to the record_hash" in broken(ev=changed_plan)["commitment logged"]
    bad_path = copy.deepcopy(evidence)
    bad_path["plan"]["audit_path"] = ["0" * 64] * len(bad_path["plan"]["audit_path"])
    assert "NOT included" in broken(ev=bad_path)["commitment logged"]
    early = record | {"drawn_at": "2000-01-01T00:00:00+00:00"}
    assert {"logged before the draw", "revealed inputs"} <= set(broken(rec=early))

    seed = bytearray.fromhex(record["seed"])
    seed[0] ^= 0x80
    assert "commitment mismatch" in broken(rec=record | {"seed": seed.hex()})["revealed inputs"]
    population = copy.deepcopy(record["population"])
    name = record["strata"][0]["name"]
    population[name][7] = population[name][7][:-1] + ("0" if population[name][7][-1] != "0" else "1")
    assert "population root mismatch" in broken(rec=record | {"population": population})["population"]
    strata = copy.deepcopy(record["strata"])
    strata[0]["selected"][0] = next(t for t in record["population"][name] if t not in strata[0]["selected"])
    assert "selection differs" in broken(rec=record | {"strata": strata})["selection"]
    assignment = copy.deepcopy(record["assignment"])
    first = next(iter(assignment["assigned"]))
    assignment["assigned"][first] = list(reversed(assignment["assigned"][first]))
    assert set(broken(rec=record | {"assignment": assignment})) == {"assignment"}


async def test_a_commitment_logged_after_the_draw_fails(databases, authority, nats_server):
    """The draw ran while disclosure was down: the commitment reached the log only afterwards."""
    async with service_client("inspection", databases, authority, nats_server.url) as c:
        plan = await _prepare(c, authority, 60)
        await commit_and_draw(c, authority, plan)
        record = (await c.get(f"/public/draws/{plan}")).json()
        assert verify_draw(record).ok  # the record agrees with itself
        async with service_client("disclosure", databases, authority, nats_server.url) as d:
            evidence = await _logged(d, plan, drawn=True)
            page = (await d.get(f"/site/draws/{plan}")).text
    failed = _failed(verify_chain(record, evidence))
    assert set(failed) == {"logged before the draw"} and "not before the beacon" in failed["logged before the draw"]
    assert "承诺在信标公布前已记入签名日志 <span class=\"en\">the commitment was in the signed log before the beacon " \
           "was published</span></th><td><span class=\"late\">✘" in page
