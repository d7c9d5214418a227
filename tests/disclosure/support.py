"""Helpers of the disclosure tests: real events on a real bus, valid identifiers, a served app."""

from __future__ import annotations

import asyncio
import itertools
import threading
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from typing import Any, Self

import nats
import uvicorn
from stdnum.cn import ric

from shared.bus.envelope import Event
from shared.bus.streams import ensure_producer_stream
from shared.contracts import EventPayload
from shared.identifiers import is_valid_uscc, uscc_check_character
from shared.ids import new_id
from tests.support import free_port

_counter = itertools.count(1)
_ORG = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def uscc(district: str = "310115") -> str:
    """A fresh, valid USCC (organisation code with its GB 11714 check, then the GB 32100 check)."""
    from stdnum.cn import uscc as std

    while True:
        n = next(_counter)
        body = f"MA{n:06d}"[-8:]
        for c in _ORG:
            first17 = f"91{district}{body}{c}"
            try:
                code = first17 + uscc_check_character(first17)
            except Exception:  # noqa: BLE001, S112 - a character stdnum refuses at that position
                continue
            if std.is_valid(code) and is_valid_uscc(code):
                return code


def resident_id(birth: str = "19900307", region: str = "310105", order: str = "451") -> str:
    first17 = region + birth + order
    return first17 + ric.calc_check_digit(first17 + "0")


def event_for(payload: EventPayload, producer: str) -> Event:
    return Event(id=new_id(), type=payload.event_type, version=payload.event_version,
                 source=f"/supervision/{producer}", time=datetime.now(UTC), data=payload.model_dump(mode="json"))


class Publisher:
    """Publishes producers' events on the bus exactly as their outbox relays would."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.nc = None
        self.js = None

    async def __aenter__(self) -> Self:
        self.nc = await nats.connect(self.url)
        self.js = self.nc.jetstream()
        for producer in ("inspection", "casework", "credit"):
            await ensure_producer_stream(self.js, producer)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.nc.drain()

    async def send(self, payload: EventPayload) -> Event:
        producer = payload.event_type.split(".")[1]
        e = event_for(payload, producer)
        await self.js.publish(e.nats_subject, e.body(), headers=e.headers())
        return e


def today() -> date:
    from services.disclosure.deps import Clock

    return Clock().today()


@asynccontextmanager
async def served(app: Any):
    """Serve the app with uvicorn on a free port, in a thread with its own event loop."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    for _ in range(500):
        if server.started:
            break
        await asyncio.sleep(0.02)
    else:
        raise RuntimeError("uvicorn did not start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.to_thread(thread.join, 15)


# ---- payloads of the producers we consume ----------------------------------------------------

def decision(code: str, name: str, *, fine: str = "5000", kinds: tuple[str, ...] = ("fine",), decided_on=None,
             number: str | None = None, department: str = "scjgj", party_kind: str = "organisation",
             summary: str = "", publishable: bool = True, violation_type: str = "food_labelling", **extra):
    from shared.contracts.casework import DecisionIssued

    n = next(_counter)
    return DecisionIssued(
        decision_id=new_id(), decision_number=number or f"沪市监处〔2026〕{n}号", case_id=new_id(), uscc=code,
        party_name=name, party_kind=party_kind, violation_type=violation_type, decision_kind="penalty",
        violation_name="销售不符合安全标准的食品", penalty_kinds=list(kinds), fine_amount=fine, severity="general",
        legal_basis="《食品安全法》第一百二十四条", department=department, decided_on=decided_on or today(),
        publishable=publishable, summary=summary, **extra)


def result(code: str, name: str, *, outcome: str = "problems_found", problems: str = "", department: str = "scjgj"):
    from shared.contracts.inspection import ResultRecorded

    return ResultRecorded(result_id=new_id(), plan_id=None, uscc=code, subject_name=name, department=department,
                          item_codes=["scjgj-001"], outcome=outcome, problems=problems, inspected_on=today())


def list_entry(code: str, name: str, *, reason: str = "通过登记的住所无法联系", entry_id: str | None = None):
    from shared.contracts.credit import ListEntered

    return ListEntered(entry_id=entry_id or new_id(), uscc=code, subject_name=name, list_kind="abnormal",
                       reason=reason, basis="《企业经营异常名录管理暂行办法》第四条", department="scjgj",
                       entered_on=today())


def list_exit(code: str, name: str, entry_id: str, *, reason: str = "已补报年度报告"):
    from shared.contracts.credit import ListExited

    return ListExited(entry_id=entry_id, uscc=code, subject_name=name, list_kind="abnormal", reason=reason,
                      department="scjgj", exited_on=today())


def licence(code: str, name: str, *, kind: str = "licence_commitment", summary: str = "食品经营许可证"):
    from shared.contracts.credit import CreditRecordAdded

    return CreditRecordAdded(record_id=new_id(), uscc=code, subject_name=name, kind=kind, department="scjgj",
                             decision_date=today(), summary=summary, source_ref=f"JY{next(_counter):012d}")


def repair(code: str, record_id: str, source_ref: str | None):
    from shared.contracts.credit import RepairApproved

    return RepairApproved(repair_id=new_id(), uscc=code, record_id=record_id, source_ref=source_ref,
                          decided_on=today())


def revoked(d, *, kind: str = "revoked"):
    from shared.contracts.casework import DecisionRevoked

    return DecisionRevoked(decision_id=d.decision_id, decision_number=d.decision_number, uscc=d.uscc,
                           department=d.department, kind=kind, reason="复议撤销", revoked_on=today())


def plan(plan_id: str, *, name: str = "2026年度食品经营者双随机抽查", seed_commitment: str = "0" * 64,
         population_root: str = "1" * 64, scope: dict | None = None):
    from shared.contracts.inspection import PlanPublished

    return PlanPublished(plan_id=plan_id, name=name, departments=["scjgj"], item_codes=["scjgj-001"],
                         scope=scope or {"district": "310115"}, period_start=today(), period_end=today(),
                         ratios={"A": 0.03, "B": 0.05}, ratio_version="ratios-2026.1",
                         seed_commitment=seed_commitment, population_root=population_root, population_size=3)


def draw(plan_id: str, record: dict, *, selected: int = 1):
    from shared.contracts.inspection import DrawCompleted

    return DrawCompleted(plan_id=plan_id, plan_name="2026年度食品经营者双随机抽查", departments=["scjgj"],
                         selected_count=selected, drawn_on=today(), record=record)


def service_client_with(service: str, databases, authority, nats_url: str | None = None, **overrides):
    from tests.auth_support import service_client

    return service_client(service, databases, authority, nats_url, **overrides)
