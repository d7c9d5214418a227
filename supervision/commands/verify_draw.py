"""`supervision verify-draw PLAN`: check a published inspection draw from its public record alone.

The record comes over HTTP from the public draw endpoint (through the gateway by default) or
from a file; nothing of the inspection service's database is touched. Verification recomputes
the seed commitment, the population Merkle root, every stratum's sample and the inspector
assignment with the same pure rules the service used.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from services.inspection.rules.verify import verify_draw

DEFAULT_URL = "http://127.0.0.1:8000/inspection"


def fetch_record(base_url: str, plan_id: str, *, timeout: float = 120.0) -> dict[str, Any]:
    url = f"{base_url.rstrip('/')}/public/draws/{plan_id}"
    response = httpx.get(url, timeout=timeout, follow_redirects=True)
    if response.status_code != 200:
        detail = response.text[:300]
        try:
            detail = response.json().get("detail") or detail
        except ValueError:
            pass
        raise typer.BadParameter(f"{url} answered {response.status_code}: {detail}")
    return response.json()


def register(app: typer.Typer) -> None:
    @app.command("verify-draw")
    def verify_draw_command(
        plan: Annotated[str, typer.Argument(help="plan id whose published draw to verify")],
        url: Annotated[str, typer.Option("--url", help="base URL of the inspection API (gateway prefix included)")]
        = DEFAULT_URL,
        file: Annotated[Path | None, typer.Option("--file", help="read the published record from this JSON file",
                                                  exists=True, dir_okay=False, readable=True)] = None,
    ) -> None:
        """Verify a published inspection draw; exit 1 and list the mismatches if it does not hold."""
        record = json.loads(file.read_text()) if file else fetch_record(url, plan)
        if record.get("plan_id") != plan:
            typer.echo(f"MISMATCH: the record is for plan {record.get('plan_id')!r}, not {plan!r}")
            raise typer.Exit(1)
        result = verify_draw(record)
        if result.ok:
            selected = sum(len(s.get("selected", [])) for s in record.get("strata", []))
            typer.echo(f"OK: plan {plan}: commitment, population root ({record.get('population_count')} subjects), "
                       f"{len(record.get('strata', []))} strata, {selected} selected and the assignment all verify")
            return
        for m in result.mismatches:
            typer.echo(f"MISMATCH: {m}")
        raise typer.Exit(1)
