"""The draw's seed: no single party chooses it.

Regulations on "double random, one public" random inspections: the objects are drawn at random and the
draw is made public; this module is how "at random" is made checkable by anyone.

The protocol, in the order it happens:

1. Every department of the plan (the lead and each partner of a joint plan) picks its own random
   secret of 16-64 bytes and hands in only ``SHA-256(secret)``.
2. At commit the lead names a public beacon: a value somebody else publishes after the commit
   (a lottery result, an exchange's closing index), by its source and the moment it is published.
3. The plan commitment (``commitment_document``) binds the plan, the frozen population's Merkle root
   and count, the ratio table, every department's secret commitment and the beacon's name; its
   SHA-256 (``commitment_digest``) is what the plan publication carries into the signed log.
4. Before the beacon is published every department reveals its secret (a reveal after it is refused:
   by then the secret's owner could compute the outcome and withhold it to force a new plan).
5. Once the beacon is published the lead enters its value and the draw runs with
   ``seed = derive_seed(plan, secrets, beacon value)``.

What each party can influence: a department knows only its own secret, so before the beacon nobody
can compute the seed; once the beacon is out every input is fixed, so nobody can change it. The lead
chooses the beacon's source and time but not its value. The beacon's publisher does not know the
secrets. A department can refuse to reveal, which blocks the draw in the open (the commitment is in
the log) but cannot steer it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

COMMITMENT_FORMAT = "draw-commitment/2"
SEED_CONTEXT = b"supervision-draw-seed/2\n"
MIN_SECRET_BYTES = 16  # 128 bits: a secret must not be guessable from its commitment
MAX_SECRET_BYTES = 64
MAX_BEACON_VALUE = 200


def canonical(doc: Mapping[str, Any]) -> bytes:
    """The bytes that are hashed: sorted keys, no spaces, UTF-8."""
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def secret_commitment(secret: bytes) -> str:
    """What a department hands in before the commit: SHA-256 of its secret, hex."""
    return hashlib.sha256(secret).hexdigest()


def check_secret(secret: bytes) -> None:
    if not MIN_SECRET_BYTES <= len(secret) <= MAX_SECRET_BYTES:
        raise ValueError(f"a secret must be {MIN_SECRET_BYTES}..{MAX_SECRET_BYTES} bytes, got {len(secret)}")


def beacon_name(source: str, published_at: datetime) -> dict[str, str]:
    """The beacon as named in the commitment: who publishes it and when (UTC, ISO 8601)."""
    if published_at.tzinfo is None:
        raise ValueError("the beacon's publication time must carry its time zone")
    return {"source": source, "published_at": published_at.astimezone(UTC).isoformat().replace("+00:00", "Z")}


def beacon_time(beacon: Mapping[str, str]) -> datetime:
    return datetime.fromisoformat(beacon["published_at"])


def commitment_document(*, plan_id: str, departments: list[str], secret_commitments: Mapping[str, str],
                        beacon: Mapping[str, str], population_root: str, population_count: int,
                        ratio_table: Mapping[str, Any], full_coverage: bool, publicity_check: bool,
                        salt_key_commitment: str = "") -> dict[str, Any]:
    """Everything the draw depends on except what is revealed later (secrets, beacon value);
    ``salt_key_commitment`` binds the key of the members' salts (rules/blinding.py)."""
    missing = [d for d in departments if d not in secret_commitments]
    if missing:
        raise ValueError(f"no secret commitment from {', '.join(missing)}")
    return {"format": COMMITMENT_FORMAT, "plan_id": plan_id, "departments": list(departments),
            "secret_commitments": {d: secret_commitments[d] for d in departments}, "beacon": dict(beacon),
            "population_root": population_root, "population_count": population_count,
            "ratio_table": dict(ratio_table), "full_coverage": full_coverage, "publicity_check": publicity_check,
            "salt_key_commitment": salt_key_commitment}


def commitment_digest(document: Mapping[str, Any]) -> str:
    """The plan commitment published before the draw (and logged): SHA-256 of the canonical document."""
    return hashlib.sha256(canonical(document)).hexdigest()


def derive_seed(document: Mapping[str, Any], secrets: Mapping[str, bytes], beacon_value: str) -> bytes:
    """The draw seed from every department's revealed secret and the beacon value.

    Raises ValueError naming what is missing or does not match the commitment: a joint plan's seed
    cannot be computed before every secret and the beacon are in."""
    departments = list(document["departments"])
    missing = [d for d in departments if d not in secrets]
    if missing:
        raise ValueError(f"secret not revealed by {', '.join(missing)}")
    extra = sorted(set(secrets) - set(departments))
    if extra:
        raise ValueError(f"secret from a department outside the plan: {', '.join(extra)}")
    for d in departments:
        check_secret(secrets[d])
        if secret_commitment(secrets[d]) != document["secret_commitments"][d]:
            raise ValueError(f"the secret revealed by {d} does not match its commitment")
    if not beacon_value or len(beacon_value) > MAX_BEACON_VALUE:
        raise ValueError(f"the beacon value must be 1..{MAX_BEACON_VALUE} characters")
    body = {"commitment": commitment_digest(document), "secrets": {d: secrets[d].hex() for d in departments},
            "beacon": {**document["beacon"], "value": beacon_value}}
    return hashlib.sha256(SEED_CONTEXT + canonical(body)).digest()
