"""`supervision verify-log`: check the disclosure log over HTTP, as any outsider could.

Given a tree head saved earlier, it fetches the current signed head, verifies both signatures
(Ed25519) and the RFC 6962 consistency proof between them (the log only grew, nothing was
rewritten); with --record it also proves that record's entries are in the log and that the
record still published hashes to what was logged.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import typer

from services.disclosure.rules.canonical import record_hash
from services.disclosure.rules.treehead import (
    TreeHead,
    load_public_key_pem,
    verify_tree_head,
)
from shared import merkle
from supervision.commands import fail

DEFAULT_BASE = "http://127.0.0.1:8000/disclosure"


class VerificationFailed(Exception):
    pass


def _get(client: httpx.Client, path: str, **params) -> dict:
    r = client.get(path, params=params or None)
    if r.status_code != 200:
        raise VerificationFailed(f"GET {path} answered {r.status_code}: {r.text[:300]}")
    return r.json()


def _head(data: dict, which: str = "current") -> TreeHead:
    try:
        return TreeHead.from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        why = f"no {exc.args[0]!r}" if isinstance(exc, KeyError) else " ".join(str(exc).split())
        raise VerificationFailed(f"the {which} tree head is not a signed tree head ({why}); it needs tree_size, "
                                 "root_hash, timestamp and signature, as GET /public/log/tree-head answers") from None


def verify(base_url: str, saved: dict | None, *, record: str | None = None, pinned_key: str | None = None,
           echo=print) -> dict:
    """Run every check; returns the current head (as served) or raises VerificationFailed."""
    with httpx.Client(base_url=base_url.rstrip("/"), timeout=30) as client:
        served_key = _get(client, "/public/log/key")["public_key_pem"]
        if pinned_key is not None and pinned_key.strip() != served_key.strip():
            raise VerificationFailed("the server's signing key differs from the pinned key")
        key = load_public_key_pem((pinned_key or served_key).encode())
        current_raw = _get(client, "/public/log/tree-head")
        current = _head(current_raw)
        if not verify_tree_head(key, current):
            raise VerificationFailed("the current tree head's signature does not verify")
        echo(f"OK  current tree head signed: size {current.tree_size}, root {current.root_hash}")
        if saved is not None:
            old = _head(saved, "saved")
            if not verify_tree_head(key, old):
                raise VerificationFailed("the saved tree head's signature does not verify with this key")
            if old.tree_size > current.tree_size:
                raise VerificationFailed(f"the log shrank: saved size {old.tree_size} > current {current.tree_size}")
            proof = _get(client, "/public/log/proof/consistency", first=old.tree_size, second=current.tree_size)
            ok = merkle.verify_consistency(old.tree_size, current.tree_size, bytes.fromhex(old.root_hash),
                                           bytes.fromhex(current.root_hash), [bytes.fromhex(h) for h in proof["proof"]])
            if not ok:
                raise VerificationFailed(f"NOT consistent: the tree of size {old.tree_size} is not a prefix of "
                                         f"the current tree")
            echo(f"OK  consistent with the saved head of size {old.tree_size}")
        if record:
            _verify_record(client, record, current, echo)
        return current_raw


def _verify_record(client: httpx.Client, record: str, head: TreeHead, echo) -> None:
    entries = _get(client, f"/public/log/records/{record}")["entries"]
    logged_hashes = set()
    for e in entries:
        data = e["entry"].encode("utf-8")
        parsed = json.loads(data)
        if parsed.get("record_id") != record or parsed.get("seq") != e["index"]:
            raise VerificationFailed(f"log entry {e['index']} is not about record {record}")
        leaf = merkle.leaf_hash(data)
        if leaf.hex() != e["leaf_hash"]:
            raise VerificationFailed(f"log entry {e['index']}: leaf hash does not match its data")
        if e["index"] >= head.tree_size:
            raise VerificationFailed(f"log entry {e['index']} is beyond the verified head")
        proof = _get(client, "/public/log/proof/inclusion", index=e["index"], tree_size=head.tree_size)
        if not merkle.verify_inclusion(leaf, e["index"], head.tree_size, [bytes.fromhex(h) for h in proof["audit_path"]],
                                       bytes.fromhex(head.root_hash)):
            raise VerificationFailed(f"log entry {e['index']} is NOT included in the signed tree")
        logged_hashes.add(parsed["record_hash"])
        echo(f"OK  record {record}: '{parsed['action']}' entry {e['index']} included in the signed tree")
    r = client.get(f"/public/records/{record}")
    if r.status_code == 200:
        if record_hash(r.json()["content"]) not in logged_hashes:
            raise VerificationFailed("the record as published now does not hash to what the log holds")
        echo(f"OK  record {record}: published content hashes to the logged record_hash")
    elif r.status_code == 410:
        echo(f"--  record {record}: no longer public (its log entries remain)")
    else:
        raise VerificationFailed(f"GET /public/records/{record} answered {r.status_code}")


def _saved_head(path: Path) -> dict:
    """The saved head, checked before anything is fetched: a broken file is the operator's to fix."""
    try:
        data = json.loads(path.read_text())
    except (ValueError, UnicodeDecodeError) as exc:
        fail(f"{path} is not JSON ({exc}); save a head with --save or from GET /public/log/tree-head")
    try:
        _head(data, "saved")
    except VerificationFailed as exc:
        fail(f"{path}: {exc}")
    return data


def register(app: typer.Typer) -> None:
    @app.command("verify-log")
    def verify_log(
        saved: Path = typer.Argument(..., help="tree head JSON saved earlier (from /public/log/tree-head)"),
        base_url: str = typer.Option(DEFAULT_BASE, "--base-url", help="the disclosure service, via the gateway"),
        record: str = typer.Option(None, "--record", help="also prove this record's log entries"),
        key: Path = typer.Option(None, "--key", help="pinned signing key (PEM) instead of trusting the server's"),
        save: bool = typer.Option(False, "--save", help="after success, store the current head in SAVED "
                                                        "(creates it on first use)"),
    ) -> None:
        """Verify the disclosure log: signatures, consistency with a saved head, a record's inclusion."""
        old = _saved_head(saved) if saved.exists() else None
        if old is None and not save:
            fail(f"no saved tree head at {saved}; run once with --save to start from the current one")
        try:
            current = verify(base_url, old, record=record, pinned_key=key.read_text() if key else None,
                             echo=typer.echo)
        except httpx.RequestError:
            raise  # cannot reach the server: `supervision` says so on one line
        except (VerificationFailed, httpx.HTTPError, ValueError) as exc:
            typer.echo(f"FAIL {exc}", err=True)
            raise typer.Exit(1) from None
        except KeyError as exc:
            typer.echo(f"FAIL the server's answer has no {exc.args[0]!r}; is --base-url the disclosure service "
                       f"(e.g. {DEFAULT_BASE})?", err=True)
            raise typer.Exit(1) from None
        if save:
            saved.write_text(json.dumps(current, indent=2) + "\n")
            typer.echo(f"saved the current head to {saved}")
