"""RFC 6962 Merkle maths against the Certificate Transparency reference vectors."""

import hashlib
import random

from shared.merkle import (
    EMPTY_ROOT,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    leaf_hashes,
    merkle_root,
    merkle_root_from_leaf_hashes,
    node_hash,
    verify_consistency,
    verify_inclusion,
)

# The eight leaf inputs of the CT / RFC 6962 reference test suite.
CT_LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    bytes(range(0x60, 0x70)),
]
# Published roots of the trees made of the first 1..8 leaves.
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
H = bytes.fromhex


def _reference_mth(hashes):
    """The RFC's recursive definition, as an independent oracle for the iterative code."""
    if len(hashes) == 1:
        return hashes[0]
    k = 1 << ((len(hashes) - 1).bit_length() - 1)
    return node_hash(_reference_mth(hashes[:k]), _reference_mth(hashes[k:]))


def test_empty_tree_root_is_sha256_of_empty_string():
    assert merkle_root([]) == EMPTY_ROOT == hashlib.sha256(b"").digest()


def test_leaf_and_node_hashes_use_domain_prefixes():
    assert leaf_hash(b"abc") == hashlib.sha256(b"\x00abc").digest()
    assert node_hash(b"L" * 32, b"R" * 32) == hashlib.sha256(b"\x01" + b"L" * 32 + b"R" * 32).digest()
    assert leaf_hash(b"\x00").hex() == "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"


def test_ct_reference_roots_for_every_prefix():
    for size in range(1, 9):
        assert merkle_root(CT_LEAVES[:size]).hex() == CT_ROOTS[size - 1], size
    assert merkle_root(CT_LEAVES).hex() == "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"


def test_ct_reference_inclusion_proofs():
    hashes = leaf_hashes(CT_LEAVES)
    vectors = [  # (index, tree size, audit path) from the CT log verifier tests
        (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
        (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
        (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
        (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    ]
    for index, size, path in vectors:
        proof = inclusion_proof(index, hashes[:size])
        assert [p.hex() for p in proof] == path
        assert verify_inclusion(hashes[index], index, size, proof, H(CT_ROOTS[size - 1]))


def test_ct_reference_consistency_proofs():
    hashes = leaf_hashes(CT_LEAVES)
    vectors = [
        (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
        (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
        (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    ]
    for m, n, path in vectors:
        proof = consistency_proof(m, hashes[:n])
        assert [p.hex() for p in proof] == path
        assert verify_consistency(m, n, H(CT_ROOTS[m - 1]), H(CT_ROOTS[n - 1]), proof)


def test_iterative_root_matches_recursive_definition():
    rnd = random.Random(7)
    for n in list(range(1, 70)) + [127, 128, 129, 1000]:
        hashes = [leaf_hash(rnd.randbytes(rnd.randrange(0, 20))) for _ in range(n)]
        assert merkle_root_from_leaf_hashes(hashes) == _reference_mth(hashes), n


def _tampered(proof, i):
    bad = list(proof)
    bad[i] = bytes([bad[i][0] ^ 1]) + bad[i][1:]
    return bad


def test_every_inclusion_proof_verifies_and_tampering_fails():
    for n in range(1, 34):
        hashes = [leaf_hash(b"leaf-%d" % i) for i in range(n)]
        root = merkle_root_from_leaf_hashes(hashes)
        for i in range(n):
            proof = inclusion_proof(i, hashes)
            assert verify_inclusion(hashes[i], i, n, proof, root)
            assert not verify_inclusion(leaf_hash(b"other"), i, n, proof, root)
            if n > 1:
                assert not verify_inclusion(hashes[i], (i + 1) % n, n, proof, root)
            for j in range(len(proof)):
                assert not verify_inclusion(hashes[i], i, n, _tampered(proof, j), root)
            assert not verify_inclusion(hashes[i], i, n, proof + [root], root)
            if proof:
                assert not verify_inclusion(hashes[i], i, n, proof[:-1], root)


def test_every_consistency_proof_verifies_and_tampering_fails():
    hashes = [leaf_hash(b"entry-%d" % i) for i in range(40)]
    roots = [merkle_root_from_leaf_hashes(hashes[:k]) for k in range(41)]
    for n in range(1, 41):
        for m in range(n + 1):
            proof = consistency_proof(m, hashes[:n])
            assert verify_consistency(m, n, roots[m], roots[n], proof), (m, n)
            if 0 < m < n:
                assert not verify_consistency(m, n, roots[m], roots[n - 1], proof)
                assert not verify_consistency(m, n, roots[m - 1], roots[n], proof)
                assert not verify_consistency(m, n, roots[m], roots[n], [])
                for j in range(len(proof)):
                    assert not verify_consistency(m, n, roots[m], roots[n], _tampered(proof, j))
            if m == n:
                assert not verify_consistency(m, n, roots[m], EMPTY_ROOT if m else roots[1], proof)


def test_verifiers_reject_malformed_input_without_raising():
    root = H(CT_ROOTS[7])
    assert not verify_inclusion(leaf_hash(b""), 8, 8, [], root)
    assert not verify_inclusion(leaf_hash(b""), -1, 8, [], root)
    assert not verify_inclusion(leaf_hash(b""), 0, 8, [b"short"], root)
    assert not verify_consistency(5, 3, root, root, [root])
    assert not verify_consistency(3, 8, root, root, [b"short"])
