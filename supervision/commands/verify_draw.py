"""`supervision verify-draw PLAN`: check a published inspection draw from public data alone.

The chain (``supervision.draw_chain``): the log's key and signed tree head, a head saved earlier
(consistency), the plan's commitment in the signed log before the beacon and the draw, the record
against the logged commitment, then the revealed inputs, the population root, the selection and the
assignment, recomputed with the same pure rules the service used. From the network (the record
from inspection, the evidence from disclosure, through the gateway by default) or from files
alone (``--file``, ``--evidence``, ``--key``, ``--head``). Each link prints OK or FAIL; any FAIL
exits 1, a record or evidence that cannot be read exits 2; never a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from supervision.draw_chain import audit_link, entry_link, verify_chain

DEFAULT_URL = "http://127.0.0.1:8000/inspection"
DEFAULT_LOG_URL = "http://127.0.0.1:8000/disclosure"


class Unavailable(Exception):
    """The record or the evidence could not be had: nothing to verify (exit 2)."""


def fetch_json(url: str, *, timeout: float = 120.0, params: dict[str, Any] | None = None) -> dict[str, Any]:
    try:
        response = httpx.get(url, timeout=timeout, follow_redirects=True, params=params)
    except httpx.HTTPError as exc:
        raise Unavailable(f"{url}: {type(exc).__name__}: {exc or 'no answer'}") from None
    if response.status_code != 200:
        detail = response.text[:300]
        try:
            detail = response.json().get("detail") or detail
        except ValueError:
            pass
        raise Unavailable(f"{url} answered {response.status_code}: {detail}")
    try:
        return response.json()
    except ValueError:
        raise Unavailable(f"{url} did not answer JSON") from None


def fetch_record(base_url: str, plan_id: str) -> dict[str, Any]:
    return fetch_json(f"{base_url.rstrip('/')}/public/draws/{plan_id}")


def fetch_evidence(log_url: str, plan_id: str, since: int | None = None) -> dict[str, Any]:
    params = {"since": since} if since is not None else None
    return fetch_json(f"{log_url.rstrip('/')}/public/draws/{plan_id}/evidence", params=params)


def read_json(path: Path, what: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise Unavailable(f"{what} {path}: {exc}") from None
    if not isinstance(data, dict):
        raise Unavailable(f"{what} {path}: not a JSON object")
    return data


def pinned_key(path: Path) -> str:
    """The PEM in a key file: the PEM itself, or the key endpoint's JSON answer saved as is."""
    text = path.read_text()
    if text.lstrip().startswith("{"):
        try:
            return str(json.loads(text)["public_key_pem"])
        except (ValueError, KeyError, TypeError) as exc:
            raise Unavailable(f"key {path}: not the key endpoint's JSON ({exc})") from None
    return text


def register(app: typer.Typer) -> None:
    @app.command("verify-draw")
    def verify_draw_command(
        plan: Annotated[str, typer.Argument(help="plan id whose published draw to verify")],
        url: Annotated[str, typer.Option("--url", help="base URL of the inspection API (gateway prefix included)")]
        = DEFAULT_URL,
        log_url: Annotated[str, typer.Option("--log-url", help="base URL of the disclosure API holding the log")]
        = DEFAULT_LOG_URL,
        file: Annotated[Path | None, typer.Option("--file", help="the published draw record, saved as JSON",
                                                  dir_okay=False)] = None,
        evidence: Annotated[Path | None, typer.Option("--evidence", help="the log's evidence, saved from "
                                                      "/disclosure/public/draws/PLAN/evidence", dir_okay=False)] = None,
        key: Annotated[Path | None, typer.Option("--key", help="the log's public key to pin: PEM, or the JSON of "
                                                 "/disclosure/public/log/key", dir_okay=False)] = None,
        head: Annotated[Path | None, typer.Option("--head", help="a tree head saved earlier "
                                                  "(/disclosure/public/log/tree-head)", dir_okay=False)] = None,
        entry: Annotated[str | None, typer.Option("--entry", help="a company's USCC: check its own entry "
                                                  "(with --salt)")] = None,
        salt: Annotated[str | None, typer.Option("--salt", help="the company's salt, from its department")] = None,
        audit: Annotated[Path | None, typer.Option("--audit", help="auditors: the plan's audit record "
                                                   "(/inspection/plans/PLAN/audit)", dir_okay=False)] = None,
    ) -> None:
        """Verify a published inspection draw against the signed log; exit 1 naming each broken link."""
        try:
            saved = read_json(head, "saved tree head") if head else None
            pinned = pinned_key(key) if key else None
            record = read_json(file, "record") if file else fetch_record(url, plan)
            since = saved.get("tree_size") if saved and isinstance(saved.get("tree_size"), int) else None
            proof = read_json(evidence, "evidence") if evidence else fetch_evidence(log_url, plan, since)
            internal = read_json(audit, "audit record") if audit else None
        except (Unavailable, OSError, UnicodeDecodeError) as exc:
            typer.echo(f"CANNOT VERIFY: {exc}", err=True)
            raise typer.Exit(2) from None
        if record.get("plan_id") != plan:
            typer.echo(f"FAIL record: the record is for plan {record.get('plan_id')!r}, not {plan!r}")
            raise typer.Exit(1)
        links = verify_chain(record, proof, pinned_key=pinned, saved_head=saved)
        if entry is not None:
            links.append(entry_link(record, entry, salt or ""))
        if internal is not None:
            links.append(audit_link(record, internal))
        for link in links:
            typer.echo(f"{'OK  ' if link.ok else 'FAIL'} {link.name}: {link.detail}")
        beacon = (record.get("commitment") or {}).get("beacon") or {}
        value = (record.get("reveal") or {}).get("beacon_value")
        typer.echo(f"--   check by hand: {beacon.get('source')!r} published {value!r} at {beacon.get('published_at')}")
        if not all(link.ok for link in links):
            raise typer.Exit(1)
        selected = sum(len(s.get("selected", [])) for s in record.get("strata", []))
        typer.echo(f"OK: plan {plan}: every link holds; {record.get('population_count')} subjects, "
                   f"{len(record.get('strata', []))} strata, {selected} selected")
