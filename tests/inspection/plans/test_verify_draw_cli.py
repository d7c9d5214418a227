"""`supervision verify-draw`: over real HTTP and from a file, with one byte of seed or population changed."""

from __future__ import annotations

import asyncio
import json
from contextlib import asynccontextmanager

import pytest
import uvicorn
from typer.testing import CliRunner

from supervision.cli import app as cli
from tests.auth_support import service_client
from tests.inspection.helpers import (
    commit_and_draw,
    make_inspector,
    make_item,
    make_plan,
    seed_objects,
    uscc,
)
from tests.support import free_port

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


async def test_verify_draw_cli_from_http_and_file_detects_one_changed_byte(databases, authority, tmp_path):
    async with service_client("inspection", databases, authority) as c:
        await seed_objects(c.app, [{"uscc": uscc(i), "grade": "ABCD"[i % 4], "red": i % 9 == 0} for i in range(200)])
        item = await make_item(c, authority, "CLI-1")
        for j in range(4):
            await make_inspector(c, authority, f"c{j}", interests=[uscc(j)])
        plan = await make_plan(c, authority, [item["id"]])
        await commit_and_draw(c, authority, plan["id"])

        async with served_over_http(c.app) as base:
            ok = await asyncio.to_thread(_run, plan["id"], "--url", base)
            missing = await asyncio.to_thread(_run, "0000-no-such-plan", "--url", base)
            record = (await c.get(f"/public/draws/{plan['id']}")).json()
        assert ok.exit_code == 0 and ok.stdout.startswith("OK"), ok.stdout
        assert missing.exit_code != 0 and "404" in missing.output

        good = tmp_path / "good.json"
        good.write_text(json.dumps(record))
        assert _run(plan["id"], "--file", str(good)).exit_code == 0

        seed = bytearray.fromhex(record["seed"])
        seed[0] ^= 0x80
        bad_seed = tmp_path / "seed.json"
        bad_seed.write_text(json.dumps(record | {"seed": seed.hex()}))
        out = _run(plan["id"], "--file", str(bad_seed))
        assert out.exit_code == 1 and "MISMATCH: commitment mismatch" in out.stdout

        population = [dict(p) for p in record["population"]]
        victim = population[7]["uscc"]
        population[7]["uscc"] = victim[:-1] + ("0" if victim[-1] != "0" else "1")
        bad_pop = tmp_path / "population.json"
        bad_pop.write_text(json.dumps(record | {"population": population}))
        out = _run(plan["id"], "--file", str(bad_pop))
        assert out.exit_code == 1 and "MISMATCH: population root mismatch" in out.stdout
