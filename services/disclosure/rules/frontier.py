"""Compact Merkle frontier: the roots of the perfect subtrees of an append-only RFC 6962 log.

Appending a leaf and computing the root both take O(log n) hashes, so the log never rereads
its leaves to sign a new head. The root equals `shared.merkle.merkle_root_from_leaf_hashes`
over all leaves (the RFC's MTH), which the tests check.
"""

from __future__ import annotations

from shared.merkle import EMPTY_ROOT, node_hash

Frontier = list[tuple[int, bytes]]  # (height, subtree root), left to right, heights strictly decreasing


def frontier_append(frontier: Frontier, leaf_hash: bytes) -> Frontier:
    out = list(frontier)
    out.append((0, leaf_hash))
    while len(out) >= 2 and out[-1][0] == out[-2][0]:
        (height, right), (_, left) = out.pop(), out.pop()
        out.append((height + 1, node_hash(left, right)))
    return out


def frontier_root(frontier: Frontier) -> bytes:
    if not frontier:
        return EMPTY_ROOT
    root = frontier[-1][1]
    for _, left in reversed(frontier[:-1]):
        root = node_hash(left, root)
    return root


def frontier_to_json(frontier: Frontier) -> list[list[object]]:
    return [[h, node.hex()] for h, node in frontier]


def frontier_from_json(data: list[list[object]] | None) -> Frontier:
    return [(int(h), bytes.fromhex(str(node))) for h, node in (data or [])]
