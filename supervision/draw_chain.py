"""The chain of evidence behind a published draw, checked link by link from public data alone.

Inputs: the draw record (inspection's `/public/draws/{plan}`), the log's evidence for it
(disclosure's `/public/draws/{plan}/evidence`), the log's public key, and optionally a tree head
the verifier saved earlier. The links, in order; each failure names its link:

1. log key: the key the evidence names is the one pinned by the verifier (when pinned);
2. tree head: the latest head is signed by that key;
3. saved head: a head saved earlier is signed too and the latest one extends it (consistency proof):
   the log was not rewritten since;
4. commitment logged: the plan's log entry is the one whose record_hash is its content, is included
   in the signed head, and its commitment document hashes to its seed_commitment;
5. logged before the draw: the plan's entry was appended before the beacon named in its commitment
   was published, and before the draw's own entry; the draw came after the beacon;
6. record matches log: the record's commitment, seed commitment and population root are the logged
   ones (a record re-forged with a new seed and its own commitment breaks here);
7-10. revealed inputs, population, selection, assignment: recomputed from the record
   (``services.inspection.rules.verify``).

Two more views (``rules/blinding.py``): a company with its salt checks its own entry (``entry_link``);
an auditor with the salt key and the member list checks every stratum and the drawn list (``audit_link``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.disclosure.rules.canonical import record_hash
from services.disclosure.rules.treehead import (
    TreeHead,
    load_public_key_pem,
    verify_tree_head,
)
from services.inspection.rules.blinding import check_audit, check_entry
from services.inspection.rules.seed import beacon_time, commitment_digest
from services.inspection.rules.verify import LINKS, table_from_json, verify_draw
from shared import merkle

KEY, HEAD, SAVED, LOGGED, BEFORE, MATCHES = (
    "log key", "tree head", "saved head", "commitment logged", "logged before the draw", "record matches log")
CHAIN = (KEY, HEAD, SAVED, LOGGED, BEFORE, MATCHES, *LINKS)
ENTRY, AUDIT = "own entry", "audit"  # the company's and the auditor's views (rules/blinding.py)


@dataclass(frozen=True)
class Link:
    name: str
    ok: bool
    detail: str


class _Broken(Exception):
    def __init__(self, link: str, detail: str) -> None:
        super().__init__(detail)
        self.link, self.detail = link, detail


def _time(text: str) -> datetime:
    return datetime.fromisoformat(str(text))


def _logged(evidence: Mapping[str, Any], which: str, head: TreeHead) -> tuple[dict[str, Any], dict[str, Any]]:
    """(leaf data, publication content) of the plan's or the draw's entry, proven in ``head``."""
    item = evidence.get(which)
    if not isinstance(item, Mapping):
        raise _Broken(LOGGED, f"the evidence has no {which} entry")
    try:
        data = str(item["entry"]).encode()
        leaf = json.loads(data)
        index, content, path = int(item["index"]), item["content"], [bytes.fromhex(h) for h in item["audit_path"]]
    except (KeyError, ValueError, TypeError) as exc:
        raise _Broken(LOGGED, f"the {which} entry is malformed ({exc!r})") from None
    if leaf.get("seq") != index or leaf.get("action") != "publish":
        raise _Broken(LOGGED, f"the {which} entry is not the publish entry {index}")
    if record_hash(content) != leaf.get("record_hash"):
        raise _Broken(LOGGED, f"the {which} publication does not hash to the record_hash logged in entry {index}")
    if not merkle.verify_inclusion(merkle.leaf_hash(data), index, head.tree_size, path, bytes.fromhex(head.root_hash)):
        raise _Broken(LOGGED, f"the {which} entry {index} is NOT included in the signed tree head "
                              f"(size {head.tree_size})")
    return leaf, dict(content)


def _chain(record: Mapping[str, Any], evidence: Mapping[str, Any], pinned_key: str | None,
           saved: Mapping[str, Any] | None, out: list[Link]) -> None:
    try:
        served = str(evidence["key"]["public_key_pem"])
        if pinned_key is not None and pinned_key.strip() != served.strip():
            raise _Broken(KEY, "the evidence names another signing key than the one pinned")
        key = load_public_key_pem((pinned_key or served).encode())
    except (KeyError, TypeError, ValueError) as exc:
        raise _Broken(KEY, f"no usable Ed25519 public key ({exc})") from None
    out.append(Link(KEY, True, "pinned key" if pinned_key is not None else "key as served (pin it with --key)"))

    try:
        head = TreeHead.from_dict(dict(evidence["tree_head"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise _Broken(HEAD, f"malformed tree head ({exc})") from None
    if not verify_tree_head(key, head):
        raise _Broken(HEAD, "the tree head's signature does not verify with the log key")
    out.append(Link(HEAD, True, f"signed: size {head.tree_size}, root {head.root_hash}"))

    if saved is not None:
        try:
            old = TreeHead.from_dict(dict(saved))
            proof = evidence.get("consistency") or {}
            steps = [bytes.fromhex(h) for h in proof.get("proof", [])]
        except (KeyError, TypeError, ValueError) as exc:
            raise _Broken(SAVED, f"malformed saved head or proof ({exc})") from None
        if not verify_tree_head(key, old):
            raise _Broken(SAVED, "the saved tree head's signature does not verify with the log key")
        if proof.get("first") != old.tree_size or proof.get("second") != head.tree_size:
            raise _Broken(SAVED, f"the evidence has no consistency proof from size {old.tree_size} "
                                 f"(fetch it with ?since={old.tree_size})")
        if not merkle.verify_consistency(old.tree_size, head.tree_size, bytes.fromhex(old.root_hash),
                                         bytes.fromhex(head.root_hash), steps):
            raise _Broken(SAVED, f"NOT consistent: the saved tree of size {old.tree_size} is not a prefix of the log")
        out.append(Link(SAVED, True, f"the log extends the head saved at size {old.tree_size}"))

    plan_leaf, plan = _logged(evidence, "plan", head)
    document = plan.get("commitment") or {}
    if plan.get("plan_no") != record.get("plan_id"):
        raise _Broken(LOGGED, f"the logged plan is {plan.get('plan_no')!r}, not {record.get('plan_id')!r}")
    if not document or commitment_digest(document) != plan.get("seed_commitment"):
        raise _Broken(LOGGED, "the logged commitment document does not hash to the logged seed commitment")
    out.append(Link(LOGGED, True, f"plan entry {plan_leaf['seq']} is in the signed log"))

    try:
        logged_at, beacon_at = _time(plan_leaf["at"]), beacon_time(document["beacon"])
        drawn_at = _time(record.get("drawn_at") or "")
    except (KeyError, TypeError, ValueError) as exc:
        raise _Broken(BEFORE, f"no usable time in the log entry, the beacon or the record ({exc})") from None
    if logged_at >= beacon_at:
        raise _Broken(BEFORE, f"the commitment was logged at {plan_leaf['at']}, not before the beacon "
                              f"({document['beacon']['published_at']}): its value may have been known")
    if drawn_at < beacon_at:
        raise _Broken(BEFORE, f"the record says it was drawn at {record.get('drawn_at')}, before the beacon")
    draw_note = "the draw is not logged yet"
    if evidence.get("draw") is not None:
        draw_leaf, drawn = _logged(evidence, "draw", head)
        if draw_leaf["seq"] <= plan_leaf["seq"]:
            raise _Broken(BEFORE, f"the draw's entry {draw_leaf['seq']} precedes the commitment's {plan_leaf['seq']}")
        if drawn.get("seed_commitment") != plan.get("seed_commitment"):
            raise _Broken(MATCHES, "the logged draw was made under another commitment than the logged plan's")
        draw_note = f"the draw's entry {draw_leaf['seq']} comes after it"
    out.append(Link(BEFORE, True, f"logged {plan_leaf['at']}, beacon {document['beacon']['published_at']} "
                                  f"({document['beacon']['source']}), drawn {record.get('drawn_at')}; {draw_note}"))

    for field, logged in (("seed_commitment", plan.get("seed_commitment")), ("commitment", document),
                          ("population_root", plan.get("population_root"))):
        if record.get(field) != logged:
            raise _Broken(MATCHES, f"the record's {field} is not the one logged with the plan")
    out.append(Link(MATCHES, True, "commitment, seed commitment and population root are the logged ones"))


def verify_chain(record: Mapping[str, Any], evidence: Mapping[str, Any], *, pinned_key: str | None = None,
                 saved_head: Mapping[str, Any] | None = None) -> list[Link]:
    """Every link, in order, up to and including the first broken one of the log's part; the record's
    own links are always recomputed. The draw holds when every link is ok."""
    out: list[Link] = []
    try:
        _chain(record, evidence, pinned_key, saved_head, out)
    except _Broken as broken:
        out.append(Link(broken.link, False, broken.detail))
    result = verify_draw(record)
    for link in LINKS:
        problems = [m.removeprefix(f"{link}: ") for m in result.mismatches if m.startswith(f"{link}: ")]
        out.append(Link(link, not problems, "; ".join(problems) or "recomputed, as published"))
    return out


def entry_link(record: Mapping[str, Any], uscc: str, salt_hex: str) -> Link:
    """A company's own view: its tag, stratum and rank, and that it is listed as drawn exactly when selected."""
    try:
        entry = check_entry(record, uscc, bytes.fromhex(salt_hex))
    except (KeyError, ValueError, TypeError) as exc:
        return Link(ENTRY, False, f"cannot check the entry ({exc})")
    if entry.stratum is None or entry.problems:
        return Link(ENTRY, False, "; ".join(entry.problems) or "no stratum holds this company's tag")
    return Link(ENTRY, True, f"{uscc} is tag {entry.tag} in stratum {entry.stratum}, rank {entry.rank} of whom "
                             f"the lowest {entry.k} are drawn: {'drawn' if entry.drawn else 'not drawn'}")


def audit_link(record: Mapping[str, Any], audit: Mapping[str, Any]) -> Link:
    """The auditor's view: with the salt key and the internal member list, every stratum and the drawn list."""
    try:
        problems = check_audit(record, bytes.fromhex(audit["salt_key"]), audit["members"],
                               table_from_json(record["ratio_table"]))
    except (KeyError, ValueError, TypeError) as exc:
        return Link(AUDIT, False, f"cannot audit ({exc!r})")
    if problems:
        return Link(AUDIT, False, "; ".join(problems))
    return Link(AUDIT, True, f"{len(audit['members'])} members each in its stratum; the drawn are the selected tags'")
