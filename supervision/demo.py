"""The demo `make run` plays on an empty data folder: synthetic subjects and a short history
through the real APIs (the golden path plus a tip-off case), then what to look at."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

MARKER = "demo.json"


def _credentials(data_dir: Path) -> dict[str, dict[str, Any]]:
    from gateway.identity.credentials import ensure_demo_clients
    from gateway.settings import GatewaySettings

    return ensure_demo_clients(GatewaySettings(key_dir=data_dir / "keys", clients_file=data_dir / "keys" / "clients.json"))


async def _play(gateway_url: str, creds: dict[str, dict[str, Any]], subjects: int) -> dict[str, Any]:
    from supervision.scenario import Gateway, GoldenPath

    gw = Gateway(gateway_url, creds)
    try:
        path = GoldenPath(gw, subjects=subjects)
        log = await path.play()
        s = path.state
        return {
            "plan_id": s["plan"]["id"], "repaired_subject": s["task"]["uscc"],
            "repaired_decision": s["decision"]["decision_number"],
            "published_subject": s["tipoff_uscc"], "published_decision": s["tipoff_decision"]["decision_number"],
            "grade_before": s["grade_before"]["grade"], "grade_after": s["grade_after"]["grade"],
            "log_size": log["second"]["tree_size"], "subjects": len(path.usccs),
        }
    finally:
        await gw.close()


def make_demo_hook(data_dir: Path, echo=print, subjects: int = 200):
    def hook(urls: dict[str, str]) -> None:
        creds = _credentials(data_dir)
        marker = data_dir / MARKER
        if marker.exists():
            story = json.loads(marker.read_text(encoding="utf-8"))
        else:
            echo("demo: playing a short history through the gateway (synthetic data) ...")
            story = asyncio.run(_play(urls["gateway"], creds, subjects))
            marker.write_text(json.dumps(story, ensure_ascii=False, indent=1), encoding="utf-8")
        gw = urls["gateway"]
        echo("")
        echo(f"demo departments (SYNTHETIC; secrets also in {data_dir / 'keys' / 'demo-credentials.json'}):")
        for cid, c in creds.items():
            echo(f"  {cid:<32} secret {c['client_secret']}  roles {','.join(c['roles']) or c['kind']}")
        echo("")
        echo("look at:")
        echo(f"  public site            {gw}/")
        echo(f"  a published penalty    {gw}/site/subjects/{story['published_subject']}  ({story['published_decision']})")
        echo(f"  a repaired penalty     {gw}/site/subjects/{story['repaired_subject']}  (withdrawn after repair)")
        echo(f"  the verifiable draw    {gw}/site/draws/{story['plan_id']}")
        echo(f"  API docs (offline)     {gw}/docs")
        intake = creds.get("hotline-demo-intake", {})
        echo(f"  Open311 GeoReport v2   root {gw}/casework/open311/v2  "
             f"api_key {intake.get('client_id')}:{intake.get('client_secret')}")
        echo(f"  verify the draw        .venv/bin/supervision verify-draw {story['plan_id']} --url {gw}/inspection")
        admin = creds.get("scjgj-demo-credit-officer", {})
        echo("  a department call:")
        echo(f"    TOKEN=$(curl -s -u {admin.get('client_id')}:{admin.get('client_secret')} "
             f"-d grant_type=client_credentials {gw}/oauth/token | python3 -c "
             "'import json,sys; print(json.load(sys.stdin)[\"access_token\"])')")
        echo(f"    curl -s -H \"Authorization: Bearer $TOKEN\" {gw}/credit/subjects/{story['repaired_subject']}/grade")
        echo("")

    return hook
