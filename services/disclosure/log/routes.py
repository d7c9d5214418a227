"""The tamper-evident log's public endpoints: key, signed tree head, entries and proofs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from services.disclosure.deps import ClockDep, cached_json
from services.disclosure.log import service as log_service
from services.disclosure.log.schemas import (
    ConsistencyProofOut,
    InclusionProofOut,
    LogEntryOut,
    PublicKeyOut,
    RecordLogEntries,
    RetiredKeyOut,
    TreeHeadOut,
)
from services.disclosure.rules.canonical import canonical_timestamp
from shared.app import problem_responses
from shared.web import SessionDep, SnapshotSessionDep

router = APIRouter(tags=["log"])
Size = Annotated[int, Query(ge=0, le=2**53 - 1)]


def _entry(leaf) -> LogEntryOut:
    return LogEntryOut(index=leaf.seq, leaf_hash=leaf.leaf_hash, entry=leaf.entry, action=leaf.action,
                       record_id=leaf.publication_id, reason=leaf.reason)


@router.get("/public/log/key", response_model=PublicKeyOut, summary="The tree-head signing key",
            description="Ed25519 public key (PEM) that signs every tree head.")
async def get_log_key(request: Request, session: SessionDep, clock: ClockDep) -> Response:
    kid, pem = await log_service.public_key(session, clock.now())
    retired = [RetiredKeyOut(key_id=k.kid, public_key_pem=k.public_pem, created_at=k.created_at,
                             retired_at=k.retired_at) for k in await log_service.public_keys(session, clock.now())
               if k.kid != kid and k.retired_at]
    await session.commit()
    return cached_json(request, PublicKeyOut(key_id=kid, public_key_pem=pem, retired=retired), max_age=3600)


@router.get("/public/log/tree-head", response_model=TreeHeadOut, summary="The latest signed tree head",
            description="Size and RFC 6962 root of the log, signed. Save it: a later head must be consistent "
                        "with it (`/public/log/proof/consistency`); `supervision verify-log` does that.")
async def get_tree_head(request: Request, session: SessionDep, clock: ClockDep) -> Response:
    head, kid = await log_service.tree_head(session, clock.now())
    await session.commit()
    return cached_json(request, TreeHeadOut(tree_size=head.tree_size, root_hash=head.root_hash,
                                            timestamp=canonical_timestamp(head.timestamp), signature=head.signature,
                                            key_id=kid), max_age=0)


@router.get("/public/log/entries/{index}", response_model=LogEntryOut, summary="One log entry",
            description="The leaf data and its hash. Entries stay even after the record left the public view.",
            responses=problem_responses(404, 422))
async def get_log_entry(request: Request, session: SnapshotSessionDep,
                        index: Annotated[int, Path(ge=0, le=2**53 - 1)]) -> Response:
    return cached_json(request, _entry(await log_service.entry(session, index)), max_age=86400)


@router.get("/public/log/records/{record_id}", response_model=RecordLogEntries,
            summary="Where a record is in the log", description="Its publish (and withdraw) entries.",
            responses=problem_responses(404, 422))
async def get_record_log_entries(request: Request, session: SnapshotSessionDep,
                                 record_id: Annotated[str, Path(pattern=r"^[0-9a-f-]{36}$")]) -> Response:
    leaves = await log_service.positions_of(session, record_id)
    return cached_json(request, RecordLogEntries(record_id=record_id, entries=[_entry(leaf) for leaf in leaves]))


@router.get("/public/log/proof/inclusion", response_model=InclusionProofOut, summary="Inclusion proof",
            description="RFC 6962 audit path of entry `index` in the tree of size `tree_size`.",
            responses=problem_responses(422))
async def get_inclusion_proof(request: Request, session: SnapshotSessionDep, index: Size,
                              tree_size: Annotated[int, Query(ge=1, le=2**53 - 1)]) -> Response:
    return cached_json(request, InclusionProofOut(**await log_service.inclusion(session, index, tree_size)),
                       max_age=86400)


@router.get("/public/log/proof/consistency", response_model=ConsistencyProofOut, summary="Consistency proof",
            description="RFC 6962 proof that the tree of size `first` is a prefix of the tree of size `second`.",
            responses=problem_responses(422))
async def get_consistency_proof(request: Request, session: SnapshotSessionDep, first: Size, second: Size) -> Response:
    return cached_json(request, ConsistencyProofOut(**await log_service.consistency(session, first, second)),
                       max_age=86400)
