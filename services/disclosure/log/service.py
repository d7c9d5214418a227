"""The tamper-evident log: appends (serialised), signed tree heads, inclusion and consistency proofs.

Every publication and withdrawal appends one leaf, `record_leaf({seq, action, record_id,
record_hash, at})`, in the same transaction as the change. The leaf stays for ever, even when
the record's content leaves the public view. Heads are signed with Ed25519 at each append.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from services.disclosure.log.repository import LogRepository
from services.disclosure.models import LogLeaf
from services.disclosure.rules.canonical import canonical_timestamp, record_leaf
from services.disclosure.rules.frontier import (
    frontier_append,
    frontier_from_json,
    frontier_root,
    frontier_to_json,
)
from services.disclosure.rules.treehead import (
    TreeHead,
    generate_signing_key,
    key_id,
    load_private_key_pem,
    private_key_to_pem,
    public_key_to_pem,
    sign_tree_head,
)
from shared import merkle
from shared.errors import NotFound, Unprocessable
from shared.keyfiles import KeyRing, RingKey

# Per database: the loaded signing key and the leaf hashes read so far (leaves never change).
_keys: dict[str, tuple[Ed25519PrivateKey, str, str]] = {}
_leaf_cache: dict[str, list[bytes]] = {}
# Per database: the head this process appended last (size, root, frontier), to skip rereading it.
_heads: dict[str, tuple[int, str, list]] = {}
# Per database: where its signing keys live (a key ring folder, or a PEM from the environment).
_key_sources: dict[str, tuple[Path, str | None]] = {}


def _db_url(session: AsyncSession) -> str:
    return session.info["database"].url


def _new_key() -> tuple[str, bytes, str]:
    key = generate_signing_key()
    return key_id(key.public_key()), private_key_to_pem(key), public_key_to_pem(key.public_key()).decode()


def key_ring(directory: Path) -> KeyRing:
    """The tree-head keys: private keys in files only this service reads (0600), never in a table."""
    return KeyRing(directory, _new_key)


def use_keys(database_url: str, directory: Path, pem_from_env: str | None = None) -> None:
    """Where the app on `database_url` finds its signing key (set when the app is built)."""
    _key_sources[database_url] = (Path(directory), pem_from_env)
    _keys.pop(database_url, None)


def default_key_dir(database_url: str) -> Path:
    """Beside a SQLite database's data folder (<data>/keys/disclosure); else ./.data/keys/disclosure."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).resolve().parent.parent / "keys" / "disclosure"
    return Path(".data/keys/disclosure")


async def signing_key(session: AsyncSession, now: datetime) -> tuple[Ed25519PrivateKey, str, str]:
    """(private key, key id, public PEM) of the key that signs new heads."""
    url = _db_url(session)
    if url not in _keys:
        directory, pem = _key_sources.get(url) or (default_key_dir(url), None)
        if pem:
            key = load_private_key_pem(pem.encode())
            _keys[url] = (key, key_id(key.public_key()), public_key_to_pem(key.public_key()).decode())
        else:
            active, private_pem = await asyncio.to_thread(key_ring(directory).active)
            _keys[url] = (load_private_key_pem(private_pem), active.kid, active.public_pem)
    return _keys[url]


async def public_keys(session: AsyncSession, now: datetime) -> list[RingKey]:
    """Every key that ever signed a head here, the retired ones with the time they stopped."""
    url = _db_url(session)
    _, kid, pem = await signing_key(session, now)
    directory, from_env = _key_sources.get(url) or (default_key_dir(url), None)
    ring = [] if from_env else await asyncio.to_thread(key_ring(directory).public_keys)
    if not any(k.kid == kid for k in ring):
        ring.append(RingKey(kid, pem, canonical_timestamp(now)))
    return ring


async def append(session: AsyncSession, *, action: str, publication_id: str, record_hash: str, record_type: str,
                 uscc: str | None, authority: str, at: datetime, reason: str | None = None) -> int:
    """Append one leaf and sign the new head; returns the leaf index. Holds the log lock until commit.

    The head this process wrote last is kept in memory: when the log has not moved since (the
    usual case, one appender), a single conditional UPDATE both takes the lock and checks that;
    otherwise the state is read under the lock as before. Every head is signed when appended,
    so what `tree_head` serves is always a signed head.
    """
    repo = LogRepository(session)
    url = _db_url(session)
    known = _heads.get(url)
    key, kid, _ = await signing_key(session, at)
    if known is not None:
        seq, root, frontier = known
        leaf, data, new_frontier, head = _extend(key, kid, seq, frontier, action, publication_id, record_hash, at)
        moved = not await repo.advance(from_size=seq, from_root=root, **head)
    if known is None or moved:
        state = await repo.lock_state()
        seq = int(state.tree_size)
        leaf, data, new_frontier, head = _extend(key, kid, seq, frontier_from_json(state.frontier), action,
                                                 publication_id, record_hash, at)
        await repo.write_state(**head)
    # Kept even if this transaction rolls back: the next append's size-and-root check then fails.
    _heads[url] = (seq + 1, head["root_hash"], new_frontier)
    await repo.insert_leaf(seq=seq, action=action, publication_id=publication_id, record_type=record_type,
                           uscc=uscc, authority=authority, reason=reason, entry=data.decode("utf-8"),
                           leaf_hash=leaf.hex(), appended_at=at)
    return seq


def _extend(key: Ed25519PrivateKey, kid: str, seq: int, frontier: list, action: str, publication_id: str,
            record_hash: str, at: datetime) -> tuple[bytes, bytes, list, dict]:
    """Leaf `seq` appended to `frontier`: (leaf hash, leaf data, new frontier, new signed head columns)."""
    data = record_leaf({"seq": seq, "action": action, "record_id": publication_id, "record_hash": record_hash,
                        "at": at})
    leaf = merkle.leaf_hash(data)
    frontier = frontier_append(frontier, leaf)
    head = sign_tree_head(key, seq + 1, frontier_root(frontier), at)
    return leaf, data, frontier, {
        "tree_size": seq + 1, "frontier": frontier_to_json(frontier), "root_hash": head.root_hash,
        "signed_at": canonical_timestamp(at), "signature": head.signature, "key_id": kid}


async def tree_head(session: AsyncSession, now: datetime) -> tuple[TreeHead, str]:
    """The latest signed head (and the key id); an empty log gets a freshly signed empty head."""
    state = await LogRepository(session).state()
    key, kid, _ = await signing_key(session, now)
    if not state.signature:
        return sign_tree_head(key, 0, merkle.EMPTY_ROOT, now), kid
    head = TreeHead(int(state.tree_size), state.root_hash, datetime.fromisoformat(state.signed_at), state.signature)
    return head, state.key_id or kid


async def public_key(session: AsyncSession, now: datetime) -> tuple[str, str]:
    _, kid, pem = await signing_key(session, now)
    return kid, pem


async def entry(session: AsyncSession, index: int) -> LogLeaf:
    leaf = await LogRepository(session).leaf(index)
    if leaf is None:
        raise NotFound(f"the log has no entry {index}")
    return leaf


async def positions_of(session: AsyncSession, publication_id: str) -> list[LogLeaf]:
    leaves = await LogRepository(session).leaves_of(publication_id)
    if not leaves:
        raise NotFound(f"the log has no entry for record {publication_id}")
    return leaves


async def _hashes(session: AsyncSession, size: int) -> list[bytes]:
    cache = _leaf_cache.setdefault(_db_url(session), [])
    start = len(cache)
    if start < size:
        more = [bytes.fromhex(h) for h in await LogRepository(session).leaf_hashes(start, size)]
        if len(cache) == start:  # another request may have filled it meanwhile
            cache.extend(more)
    return cache[:size]


async def _check_size(session: AsyncSession, size: int, field: str) -> None:
    current = int((await LogRepository(session).state()).tree_size)
    if size > current:
        raise Unprocessable.field(field, "log.tree_size", f"the log has {current} entries, not {size}")


async def inclusion(session: AsyncSession, index: int, tree_size: int) -> dict:
    await _check_size(session, tree_size, "query.tree_size")
    if index >= tree_size:
        raise Unprocessable.field("query.index", "log.index", f"index must be below tree_size {tree_size}")
    hashes = await _hashes(session, tree_size)
    return {"index": index, "tree_size": tree_size, "leaf_hash": hashes[index].hex(),
            "root_hash": merkle.merkle_root_from_leaf_hashes(hashes).hex(),
            "audit_path": [h.hex() for h in merkle.inclusion_proof(index, hashes)]}


async def consistency(session: AsyncSession, first: int, second: int) -> dict:
    await _check_size(session, second, "query.second")
    if first > second:
        raise Unprocessable.field("query.first", "log.first", "first must not exceed second")
    hashes = await _hashes(session, second)
    return {"first": first, "second": second,
            "first_root": merkle.merkle_root_from_leaf_hashes(hashes[:first]).hex(),
            "second_root": merkle.merkle_root_from_leaf_hashes(hashes).hex(),
            "proof": [h.hex() for h in merkle.consistency_proof(first, hashes)]}


async def lock(session: AsyncSession) -> None:
    """Take the log lock first (before reading what to append), so a batch job never races an appender."""
    await LogRepository(session).lock_state()
