import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.disclosure.rules.treehead import (
    SIGNING_CONTEXT,
    TreeHead,
    generate_signing_key,
    key_id,
    load_private_key_pem,
    load_public_key_pem,
    private_key_to_pem,
    public_key_to_pem,
    sign_tree_head,
    tree_head_message,
    verify_tree_head,
)

ROOT = hashlib.sha256(b"root").hexdigest()
TS = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


def test_signed_bytes_are_context_plus_canonical_json():
    assert (
        tree_head_message(3, ROOT, TS)
        == SIGNING_CONTEXT
        + (
            f'{{"root_hash":"{ROOT}","timestamp":"2024-05-06T07:08:09Z","tree_size":3}}'
        ).encode()
    )


def test_sign_then_verify():
    th = sign_tree_head(KEY, 3, ROOT, TS)
    assert verify_tree_head(KEY.public_key(), th)
    assert len(th.signature) == 128


def test_ed25519_signature_is_deterministic():
    assert sign_tree_head(KEY, 3, ROOT, TS) == sign_tree_head(KEY, 3, ROOT, TS)


def test_root_may_be_given_as_bytes():
    th = sign_tree_head(KEY, 1, hashlib.sha256(b"root").digest(), TS)
    assert th.root_hash == ROOT and verify_tree_head(KEY.public_key(), th)


@pytest.mark.parametrize(
    "tamper",
    [
        {"tree_size": 4},
        {"root_hash": hashlib.sha256(b"other").hexdigest()},
        {"timestamp": TS + timedelta(seconds=1)},
        {"signature": "00" * 64},
        {"signature": "zz"},
        {"root_hash": "not hex"},
        {"tree_size": -1},
    ],
)
def test_tampered_head_fails(tamper):
    th = sign_tree_head(KEY, 3, ROOT, TS)
    assert not verify_tree_head(KEY.public_key(), replace(th, **tamper))


def test_other_key_fails():
    th = sign_tree_head(KEY, 3, ROOT, TS)
    assert not verify_tree_head(generate_signing_key().public_key(), th)


def test_same_instant_in_another_zone_still_verifies():
    th = sign_tree_head(KEY, 3, ROOT, TS)
    shanghai = TS.astimezone(timezone(timedelta(hours=8)))
    assert verify_tree_head(KEY.public_key(), replace(th, timestamp=shanghai))


def test_dict_round_trip():
    th = sign_tree_head(KEY, 3, ROOT, TS)
    data = th.to_dict()
    assert data["timestamp"] == "2024-05-06T07:08:09Z"
    assert TreeHead.from_dict(data) == th


def test_pem_round_trip_with_and_without_password():
    key = generate_signing_key()
    th = sign_tree_head(key, 10, ROOT, TS)
    public = load_public_key_pem(public_key_to_pem(key.public_key()))
    assert verify_tree_head(public, th)
    for password in (None, b"s3cret"):
        loaded = load_private_key_pem(private_key_to_pem(key, password), password)
        assert sign_tree_head(loaded, 10, ROOT, TS) == th
    assert b"ENCRYPTED" in private_key_to_pem(key, b"s3cret")


def test_non_ed25519_pem_is_refused():
    from cryptography.hazmat.primitives.asymmetric import ec

    other = ec.generate_private_key(ec.SECP256R1())
    from cryptography.hazmat.primitives import serialization

    pem = other.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with pytest.raises(ValueError):
        load_public_key_pem(pem)


def test_key_id_is_stable_and_distinct():
    assert key_id(KEY.public_key()) == key_id(
        load_public_key_pem(public_key_to_pem(KEY.public_key()))
    )
    assert key_id(KEY.public_key()) != key_id(generate_signing_key().public_key())
    assert len(key_id(KEY.public_key())) == 16
