"""RFC 6962 (Certificate Transparency) Merkle tree maths, SHA-256, stdlib only.

Used by the inspection draw (population root: a company can prove it was in the pool) and
by the disclosure service's append-only log (inclusion and consistency proofs).

Hashes are raw 32-byte ``bytes``. Leaves are domain-separated from interior nodes
(0x00 / 0x01 prefixes) so a leaf can never be passed off as a node (RFC 6962 s. 2.1).
Roots are computed level by level (pair left to right, an odd last node is carried up
unchanged), which yields exactly the RFC's recursive MTH and has no recursion depth or
call overhead: 3,000,000 leaves take a few seconds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

try:  # CPython's own SHA-256: same digests, ~30% less per-call overhead than OpenSSL's
    from _sha2 import sha256 as _sha256  # Python >= 3.12
except ImportError:  # pragma: no cover - depends on the interpreter
    try:
        from _sha256 import sha256 as _sha256  # Python 3.11
    except ImportError:
        _sha256 = hashlib.sha256

HASH_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
# RFC 6962 s. 2.1: the hash of an empty list is the hash of an empty string.
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    """MTH({d}) = SHA-256(0x00 || d)."""
    return _sha256(LEAF_PREFIX + bytes(data)).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Interior node: SHA-256(0x01 || left || right)."""
    return _sha256(NODE_PREFIX + left + right).digest()


def leaf_hashes(leaves: Sequence[bytes]) -> list[bytes]:
    """Leaf hashes of raw leaf data, in order."""
    sha = _sha256
    return [sha(b"\x00" + d).digest() for d in leaves]


def merkle_root_from_leaf_hashes(hashes: Sequence[bytes]) -> bytes:
    """MTH over already leaf-hashed entries (iterative, O(n) hashes, no recursion)."""
    n = len(hashes)
    if n == 0:
        return EMPTY_ROOT
    sha = _sha256
    level = list(hashes)
    while len(level) > 1:
        carry = level[-1] if len(level) % 2 else None
        level = [sha(b"\x01" + a + b).digest() for a, b in zip(level[0::2], level[1::2])]
        if carry is not None:
            level.append(carry)
    return level[0]


def merkle_root(leaves: Sequence[bytes]) -> bytes:
    """MTH over raw leaf data (each leaf is hashed with the 0x00 prefix first)."""
    if not leaves:
        return EMPTY_ROOT
    return merkle_root_from_leaf_hashes(leaf_hashes(leaves))


def _split(n: int) -> int:
    """RFC 6962: k is the largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def inclusion_proof(index: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """Audit path PATH(m, D[n]) for leaf ``index`` (RFC 6962 s. 2.1.1), leaf to root order."""
    n = len(leaf_hashes)
    if not 0 <= index < n:
        raise ValueError(f"leaf index {index} outside tree of size {n}")
    path: list[bytes] = []
    lo, hi, m = 0, n, index  # current subtree D[lo:hi], m relative to lo
    while hi - lo > 1:  # descend; siblings collected root-first, reversed at the end
        k = _split(hi - lo)
        if m < k:
            path.append(merkle_root_from_leaf_hashes(leaf_hashes[lo + k : hi]))
            hi = lo + k
        else:
            path.append(merkle_root_from_leaf_hashes(leaf_hashes[lo : lo + k]))
            lo, m = lo + k, m - k
    path.reverse()
    return path


def consistency_proof(m: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) (RFC 6962 s. 2.1.2): the old tree of size m is a prefix of this one."""
    n = len(leaf_hashes)
    if not 0 <= m <= n:
        raise ValueError(f"old size {m} must be within 0..{n}")
    if m == 0 or m == n:
        return []
    proof: list[bytes] = []
    lo, hi, m_rel, complete = 0, n, m, True  # SUBPROOF(m, D[lo:hi], complete)
    while True:
        size = hi - lo
        if m_rel == size:
            if not complete:
                proof.append(merkle_root_from_leaf_hashes(leaf_hashes[lo:hi]))
            break
        k = _split(size)
        if m_rel <= k:
            proof.append(merkle_root_from_leaf_hashes(leaf_hashes[lo + k : hi]))
            hi = lo + k
        else:
            proof.append(merkle_root_from_leaf_hashes(leaf_hashes[lo : lo + k]))
            lo, m_rel, complete = lo + k, m_rel - k, False
    proof.reverse()
    return proof


def verify_inclusion(
    leaf_hash: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """RFC 9162 s. 2.1.3.2 verification; never raises on hostile input."""
    if not 0 <= index < tree_size or any(len(p) != HASH_SIZE for p in proof):
        return False
    fn, sn, r = index, tree_size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    m: int, n: int, root_m: bytes, root_n: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 s. 2.1.4.2 verification; never raises on hostile input."""
    if not 0 <= m <= n or any(len(p) != HASH_SIZE for p in proof):
        return False
    if m == n:
        return not proof and root_m == root_n
    if m == 0:  # the empty log is a prefix of every log
        return not proof and root_m == EMPTY_ROOT
    if not proof:
        return False
    path = list(proof)
    if m & (m - 1) == 0:  # m a power of two: the old root is itself a node of the new tree
        path.insert(0, root_m)
    fn, sn = m - 1, n - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == root_m and sr == root_n
