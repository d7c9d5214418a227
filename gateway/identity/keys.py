"""ES256 (P-256) signing keys for gateway tokens, kept as PEM files in a key directory.

Layout of the key directory::

    <kid>.pem      one private key per kid (mode 0600)
    keys.json      {"active": kid, "keys": [{"kid", "created_at", "retired_at"}]}

Rotation without downtime: ``rotate_keys(dir)`` makes a new key active; the previous one is
marked retired but stays in the JWKS until every token it signed has expired (retired_at +
the longest token lifetime + leeway), so services verifying with a cached JWKS keep working.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

STATE_FILE = "keys.json"
# How long a retired key stays published after rotation when no token lifetime is given.
DEFAULT_RETIRED_GRACE = timedelta(seconds=300 + 60)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _public_jwk_fields(public_key: ec.EllipticCurvePublicKey) -> dict[str, str]:
    numbers = public_key.public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": _b64url(numbers.x.to_bytes(32, "big")),
        "y": _b64url(numbers.y.to_bytes(32, "big")),
    }


def jwk_thumbprint(public_key: ec.EllipticCurvePublicKey) -> str:
    """RFC 7638 thumbprint: SHA-256 over the required members in lexical order."""
    f = _public_jwk_fields(public_key)
    canonical = json.dumps(
        {"crv": f["crv"], "kty": f["kty"], "x": f["x"], "y": f["y"]},
        separators=(",", ":"),
        sort_keys=True,
    )
    return _b64url(hashlib.sha256(canonical.encode("ascii")).digest())


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: ec.EllipticCurvePrivateKey
    created_at: datetime
    retired_at: datetime | None = None

    def public_jwk(self) -> dict[str, str]:
        return {
            **_public_jwk_fields(self.private_key.public_key()),
            "kid": self.kid,
            "use": "sig",
            "alg": "ES256",
        }

    def private_pem(self) -> bytes:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def public_pem(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


def _now(now: datetime | None) -> datetime:
    return now if now is not None else datetime.now(UTC)


def new_signing_key(now: datetime | None = None) -> SigningKey:
    private = ec.generate_private_key(ec.SECP256R1())
    created = _now(now)
    # kid: creation time (readable in logs) + a thumbprint slice (unique, derived from the key).
    kid = f"{created:%Y%m%dT%H%M%S}-{jwk_thumbprint(private.public_key())[:10]}"
    return SigningKey(kid=kid, private_key=private, created_at=created)


class KeyRing:
    """The keys of one key directory: the active signing key and the still-published ones."""

    def __init__(self, directory: str | os.PathLike[str], keys: list[SigningKey], active_kid: str):
        self.directory = Path(directory)
        self.keys = keys
        self.active_kid = active_kid

    @property
    def active(self) -> SigningKey:
        return next(k for k in self.keys if k.kid == self.active_kid)

    def published(
        self, now: datetime | None = None, grace: timedelta = DEFAULT_RETIRED_GRACE
    ) -> list[SigningKey]:
        t = _now(now)
        return [
            k
            for k in self.keys
            if k.kid == self.active_kid or k.retired_at is None or k.retired_at + grace > t
        ]

    def jwks(self, now: datetime | None = None, grace: timedelta = DEFAULT_RETIRED_GRACE) -> dict:
        """The `/.well-known/jwks.json` document: active key first, then retired ones."""
        keys = sorted(self.published(now, grace), key=lambda k: k.kid != self.active_kid)
        return {"keys": [k.public_jwk() for k in keys]}


def _write_private(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def _save_state(directory: Path, keys: list[SigningKey], active_kid: str) -> None:
    state = {
        "active": active_kid,
        "keys": [
            {
                "kid": k.kid,
                "created_at": k.created_at.isoformat(),
                "retired_at": k.retired_at.isoformat() if k.retired_at else None,
            }
            for k in keys
        ],
    }
    tmp = directory / (STATE_FILE + ".tmp")
    tmp.write_text(json.dumps(state, indent=2))
    os.replace(tmp, directory / STATE_FILE)


def load_keys(directory: str | os.PathLike[str]) -> KeyRing:
    """Read the key directory. Raises FileNotFoundError when it holds no key state."""
    d = Path(directory)
    state = json.loads((d / STATE_FILE).read_text())
    keys: list[SigningKey] = []
    for entry in state["keys"]:
        pem = (d / f"{entry['kid']}.pem").read_bytes()
        private = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(private, ec.EllipticCurvePrivateKey) or private.curve.name != "secp256r1":
            raise ValueError(f"key {entry['kid']} is not a P-256 key")
        retired = entry.get("retired_at")
        keys.append(
            SigningKey(
                kid=entry["kid"],
                private_key=private,
                created_at=datetime.fromisoformat(entry["created_at"]),
                retired_at=datetime.fromisoformat(retired) if retired else None,
            )
        )
    return KeyRing(d, keys, state["active"])


def load_or_create_keys(directory: str | os.PathLike[str], now: datetime | None = None) -> KeyRing:
    """Load the key directory, creating it with one fresh key on first start."""
    d = Path(directory)
    if (d / STATE_FILE).exists():
        return load_keys(d)
    d.mkdir(parents=True, exist_ok=True)
    key = new_signing_key(now)
    _write_private(d / f"{key.kid}.pem", key.private_pem())
    _save_state(d, [key], key.kid)
    return load_keys(d)


def rotate_keys(
    directory: str | os.PathLike[str],
    now: datetime | None = None,
    grace: timedelta = DEFAULT_RETIRED_GRACE,
) -> KeyRing:
    """Make a new key active; keep the old one published for `grace`, then prune it.

    `grace` must cover the longest token lifetime plus clock leeway.
    """
    t = _now(now)
    ring = load_or_create_keys(directory, t)
    new = new_signing_key(t)
    kept: list[SigningKey] = []
    for k in ring.keys:
        if k.kid == ring.active_kid:
            k = SigningKey(k.kid, k.private_key, k.created_at, retired_at=t)
        if k.retired_at is not None and k.retired_at + grace <= t:
            (ring.directory / f"{k.kid}.pem").unlink(missing_ok=True)  # every token it signed has expired
            continue
        kept.append(k)
    _write_private(ring.directory / f"{new.kid}.pem", new.private_pem())
    kept.append(new)
    _save_state(ring.directory, kept, new.kid)
    return load_keys(ring.directory)


def write_jwks_file(ring: KeyRing, path: str | os.PathLike[str], now: datetime | None = None) -> None:
    """Write the JWKS where services read it (TokenVerifier with a file path)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_suffix(p.suffix + ".tmp")
    tmp.write_text(json.dumps(ring.jwks(now)))
    os.replace(tmp, p)
