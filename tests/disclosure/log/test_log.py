"""The Merkle log: signed heads, inclusion and consistency proofs, and `supervision verify-log` over HTTP."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from typer.testing import CliRunner

from services.disclosure.app import create_app
from services.disclosure.rules.treehead import (
    TreeHead,
    load_public_key_pem,
    verify_tree_head,
)
from services.disclosure.settings import DisclosureSettings
from shared import merkle
from supervision.cli import app as cli
from tests.disclosure import support as s
from tests.support import wait_for

pytestmark = pytest.mark.anyio


async def _size(c: httpx.AsyncClient, n: int) -> dict:
    async def grown():
        head = (await c.get("/public/log/tree-head")).json()
        return head if head["tree_size"] >= n else None

    return await wait_for(grown, timeout=15, what=f"log size {n}")


async def test_proofs_verify_against_signed_heads(databases, authority, nats_server):
    async with s.Publisher(nats_server.url) as bus, \
            s.service_client_with("disclosure", databases, authority, nats_server.url) as c:
        empty = (await c.get("/public/log/tree-head")).json()
        assert empty["tree_size"] == 0 and empty["root_hash"] == merkle.EMPTY_ROOT.hex()
        code = s.uscc()
        for i in range(7):
            await bus.send(s.result(code, f"上海日志{i}有限公司"))
        head = await _size(c, 7)
        key = load_public_key_pem((await c.get("/public/log/key")).json()["public_key_pem"].encode())
        assert verify_tree_head(key, TreeHead.from_dict(head))
        forged = dict(head, root_hash="0" * 64)
        assert not verify_tree_head(key, TreeHead.from_dict(forged))
        root = bytes.fromhex(head["root_hash"])
        leaves = []
        for i in range(7):
            e = (await c.get(f"/public/log/entries/{i}")).json()
            leaf = merkle.leaf_hash(e["entry"].encode())
            assert leaf.hex() == e["leaf_hash"] and json.loads(e["entry"])["seq"] == i
            leaves.append(leaf)
            p = (await c.get("/public/log/proof/inclusion", params={"index": i, "tree_size": 7})).json()
            assert merkle.verify_inclusion(leaf, i, 7, [bytes.fromhex(h) for h in p["audit_path"]], root)
        assert merkle.merkle_root_from_leaf_hashes(leaves) == root  # the incremental frontier equals MTH
        for m in range(8):
            p = (await c.get("/public/log/proof/consistency", params={"first": m, "second": 7})).json()
            assert merkle.verify_consistency(m, 7, bytes.fromhex(p["first_root"]), root,
                                             [bytes.fromhex(h) for h in p["proof"]])
            assert p["first_root"] == merkle.merkle_root_from_leaf_hashes(leaves[:m]).hex()
        too_big = await c.get("/public/log/proof/inclusion", params={"index": 0, "tree_size": 8})
        assert too_big.status_code == 422 and too_big.json()["errors"][0]["field"] == "query.tree_size"
        assert (await c.get("/public/log/entries/99")).status_code == 404


async def test_verify_log_command_over_http(databases, authority, nats_server, tmp_path):
    settings = DisclosureSettings(database_url=await databases.fresh("disclosure"), nats_url=nats_server.url,
                                  jwks_file=authority.jwks_file, migrate_on_start=False, log_json=False)
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(cli, ["verify-log", *args])

    async with (s.Publisher(nats_server.url) as bus, s.served(create_app(settings)) as url,
                httpx.AsyncClient(base_url=url) as c):
        code = s.uscc()
        first = s.decision(code, "上海核验一有限公司")
        await bus.send(first)
        await bus.send(s.result(code, "上海核验一有限公司"))
        await _size(c, 2)
        saved = tmp_path / "head.json"
        r = await asyncio.to_thread(run, str(saved), "--base-url", url, "--save")
        assert r.exit_code == 0, r.output
        await bus.send(s.licence(code, "上海核验一有限公司"))
        await bus.send(s.repair(code, "rec-1", first.decision_number))
        await _size(c, 4)
        records = (await c.get("/public/records", params={"uscc": code})).json()["items"]
        public_id = next(r["id"] for r in records if r["record_type"] == "licence")
        withdrawn_id = (await c.get("/public/log/entries/3")).json()["record_id"]

        r = await asyncio.to_thread(run, str(saved), "--base-url", url, "--record", public_id)
        assert r.exit_code == 0, r.output
        assert "consistent with the saved head of size 2" in r.output
        assert "hashes to the logged record_hash" in r.output
        r = await asyncio.to_thread(run, str(saved), "--base-url", url, "--record", withdrawn_id)
        assert r.exit_code == 0, r.output
        assert r.output.count("included in the signed tree") == 2 and "no longer public" in r.output

        forged = json.loads(saved.read_text()) | {"root_hash": "ab" * 32}
        (tmp_path / "forged.json").write_text(json.dumps(forged))
        r = await asyncio.to_thread(run, str(tmp_path / "forged.json"), "--base-url", url)
        assert r.exit_code == 1 and "signature does not verify" in r.output
        r = await asyncio.to_thread(run, str(tmp_path / "missing.json"), "--base-url", url)
        assert r.exit_code == 2
