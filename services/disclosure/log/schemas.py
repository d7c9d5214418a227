"""API models of the Merkle log: signed tree head, signing key, entries and proofs."""

from __future__ import annotations

from pydantic import BaseModel, Field

_ID = "01936f0e-7c1a-7b3e-9f41-5a2c8d9e0b11"
_HASH = "3f5a1c0e9b7d2a4c6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d"


class TreeHeadOut(BaseModel):
    model_config = {"json_schema_extra": {"examples": [{
        "tree_size": 42, "root_hash": _HASH, "timestamp": "2026-11-05T02:03:04.123456Z",
        "signature": "ab" * 64, "key_id": "9c1e0f2a3b4c5d6e", "algorithm": "Ed25519"}]}}

    tree_size: int
    root_hash: str
    timestamp: str = Field(description="UTC, ISO 8601 with Z, exactly as signed")
    signature: str = Field(description="Ed25519 over 'supervision-disclosure-tree-head:v1\\n' + canonical "
                                       "JSON of {root_hash, timestamp, tree_size}, hex")
    key_id: str
    algorithm: str = "Ed25519"


class RetiredKeyOut(BaseModel):
    key_id: str = Field(examples=["0a1b2c3d4e5f6071"])
    public_key_pem: str
    created_at: str = Field(description="When the key was made (ISO 8601)")
    retired_at: str = Field(description="When it stopped signing new heads; heads it signed before stay valid")


class PublicKeyOut(BaseModel):
    key_id: str = Field(examples=["9c1e0f2a3b4c5d6e"])
    algorithm: str = Field("Ed25519", examples=["Ed25519"])
    public_key_pem: str = Field(examples=["-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA...\n-----END PUBLIC KEY-----\n"])
    retired: list[RetiredKeyOut] = Field([], description="Keys that signed earlier heads, before a rotation: a "
                                                         "head names its key_id; verify it with that key")


class LogEntryOut(BaseModel):
    index: int = Field(examples=[41])
    leaf_hash: str = Field(description="SHA-256(0x00 || entry bytes), hex", examples=[_HASH])
    entry: str = Field(description="the leaf data: canonical JSON of {seq, action, record_id, record_hash, at}",
                       examples=[('{"action":"publish","at":"2026-11-05T02:03:04Z","record_hash":"3f5a…",'
                                  '"record_id":"01936f0e-…","seq":41}')])
    action: str = Field(examples=["publish"])
    record_id: str = Field(examples=[_ID])
    reason: str | None = Field(None, examples=["credit_repair_approved"])


class RecordLogEntries(BaseModel):
    record_id: str = Field(examples=[_ID])
    entries: list[LogEntryOut]


class InclusionProofOut(BaseModel):
    model_config = {"json_schema_extra": {"examples": [{
        "index": 41, "tree_size": 42, "leaf_hash": _HASH, "root_hash": _HASH, "audit_path": [_HASH]}]}}

    index: int
    tree_size: int
    leaf_hash: str
    root_hash: str
    audit_path: list[str] = Field(description="RFC 6962 audit path, leaf to root, hex")


class ConsistencyProofOut(BaseModel):
    model_config = {"json_schema_extra": {"examples": [{
        "first": 10, "second": 42, "first_root": _HASH, "second_root": _HASH, "proof": [_HASH]}]}}

    first: int
    second: int
    first_root: str
    second_root: str
    proof: list[str] = Field(description="RFC 6962 consistency proof, hex")
