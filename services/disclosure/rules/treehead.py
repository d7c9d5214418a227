"""Signed tree heads of the disclosure log (Ed25519).

Signed bytes, version 1:

    b"supervision-disclosure-tree-head:v1\\n" + canonical_bytes(
        {"root_hash": <64 lowercase hex>, "timestamp": <UTC ISO 8601 "Z">, "tree_size": <int>})

The context prefix keeps a tree-head signature from being valid for any other message the
same key might sign. `canonical_bytes` is documented in `canonical.py` (JCS subset). The
signature travels as lowercase hex (128 characters).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from services.disclosure.rules.canonical import canonical_bytes, canonical_timestamp

SIGNING_CONTEXT = b"supervision-disclosure-tree-head:v1\n"
_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class TreeHead:
    tree_size: int
    root_hash: str  # hex
    timestamp: datetime  # timezone-aware
    signature: str  # hex

    def to_dict(self) -> dict[str, Any]:
        return {
            "tree_size": self.tree_size,
            "root_hash": self.root_hash,
            "timestamp": canonical_timestamp(self.timestamp),
            "signature": self.signature,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TreeHead:
        ts = datetime.fromisoformat(str(data["timestamp"]))
        return cls(
            int(data["tree_size"]), str(data["root_hash"]), ts, str(data["signature"])
        )


def tree_head_message(tree_size: int, root_hash: str, timestamp: datetime) -> bytes:
    """The exact bytes that are signed (see module docstring)."""
    if not isinstance(tree_size, int) or isinstance(tree_size, bool) or tree_size < 0:
        raise ValueError("tree_size must be a non-negative integer")
    if not isinstance(root_hash, str) or not _HEX64.fullmatch(root_hash):
        raise ValueError("root_hash must be 64 lowercase hex characters")
    body = {"tree_size": tree_size, "root_hash": root_hash, "timestamp": timestamp}
    return SIGNING_CONTEXT + canonical_bytes(body)


def _as_hex(root: str | bytes) -> str:
    return root.hex() if isinstance(root, bytes) else root


def sign_tree_head(
    private_key: Ed25519PrivateKey, size: int, root: str | bytes, ts: datetime
) -> TreeHead:
    root_hex = _as_hex(root)
    signature = private_key.sign(tree_head_message(size, root_hex, ts))
    return TreeHead(size, root_hex, ts, signature.hex())


def verify_tree_head(public_key: Ed25519PublicKey, th: TreeHead) -> bool:
    """True only for an intact head signed by the key; any malformed field is False."""
    try:
        message = tree_head_message(th.tree_size, th.root_hash, th.timestamp)
        public_key.verify(bytes.fromhex(th.signature), message)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


# ---- keys ----------------------------------------------------------------------------------


def generate_signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_key_to_pem(key: Ed25519PrivateKey, password: bytes | None = None) -> bytes:
    encryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def public_key_to_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_private_key_pem(
    data: bytes, password: bytes | None = None
) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(data, password=password)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("not an Ed25519 private key")  # noqa: TRY004 - a bad key file
    return key


def load_public_key_pem(data: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")  # noqa: TRY004 - a bad key file
    return key


def key_id(public_key: Ed25519PublicKey) -> str:
    """Short stable id of a public key (SHA-256 of its raw bytes, first 16 hex chars),
    so published heads can say which key signed them across key rotations."""
    raw = public_key.public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return hashlib.sha256(raw).hexdigest()[:16]
