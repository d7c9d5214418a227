"""The efficiency evaluation's public endpoint (anonymous, read-only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from services.disclosure.deps import Authority, cached_json
from services.disclosure.efficiency import service as efficiency_service
from services.disclosure.efficiency.schemas import EfficiencyOut
from shared.app import problem_responses
from shared.web import SnapshotSessionDep

router = APIRouter(tags=["public records"])


@router.get("/public/efficiency", response_model=EfficiencyOut, summary="Efficiency evaluation of one month",
            description="Per department: shares of inspection results and penalties published on time, "
                        "withdrawals on time, cases closed on time and complaints answered on time.",
            responses=problem_responses(422))
async def get_efficiency(
    request: Request, session: SnapshotSessionDep,
    month: Annotated[str, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2026-11"])],
    department: Authority = None,
) -> Response:
    departments = await efficiency_service.efficiency(session, month, department)
    return cached_json(request, EfficiencyOut(month=month, departments=departments))
