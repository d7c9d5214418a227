"""The golden path, played through the gateway with department credentials.

plan → draw → verify → assign → result with problems → case lead → case → legal review →
decision → credit record and grade change → disclosure record in API, feed and site →
repair → withdrawal → log consistency proof.

Each hop is a method that returns what it saw, so the end-to-end test asserts every hop and
the demo in `make run` plays the same history. Everything happens today: the case is a
complex one (so legal review is required) ending in a minor fine, which the Credit China
rules in force since 2026-04-01 let the party repair at once once it has paid.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from shared import merkle
from shared.identifiers import PARTY_ORGANISATION, party_kind_of, uscc_check_character
from shared.ids import new_id
from supervision.synthetic import generate_subjects

ADMIN = "scjgj-demo-admin"
PARTNER_ADMIN = "yjj-demo-admin"
INSPECTORS = ("scjgj-demo-inspector", "scjgj-demo-inspector-2", "yjj-demo-inspector")
OFFICER = "scjgj-demo-case-officer"
REVIEWER = "scjgj-demo-legal-reviewer"
CREDIT = "scjgj-demo-credit-officer"
AUDITOR = "scjgj-demo-auditor"
# Within the benchmark's general band (Food Safety Law art. 125: ¥5,000-50,000); the natural persons'
# price-marking fines stay below an individual's hearing threshold (¥5,000).
FINE = "20000.00"
PRICE_MARKING_FINE = "3000.00"
# Personal data the scenario hands the platform, which must never appear on the bus or in public:
# a tip-off's sender, and the operators of two individual businesses (natural persons).
TIPOFF_SENDER = {"first_name": "晓明", "last_name": "张", "phone": "13912345678", "email": "zhang.xm@example.cn"}
TIPOFF_SENDER_ID = "310104199001011233"
OPERATOR_ID, OPERATOR_MOBILE = "310104198203034324", "13812345678"
OPERATOR_HOME = "上海市徐汇区龙华西路585弄12号302室"
PERSON_ID, PERSON_MOBILE = "310105197506122817", "13698765432"
PERSONAL_DATA = ("张晓明", TIPOFF_SENDER["first_name"], TIPOFF_SENDER["phone"], TIPOFF_SENDER["email"],
                 TIPOFF_SENDER_ID, OPERATOR_ID, OPERATOR_ID[6:14], OPERATOR_MOBILE, "１２３４５６７８", "585弄12号302室",
                 PERSON_ID, PERSON_ID[6:14], PERSON_MOBILE, PERSON_MOBILE[3:])
SHA = hashlib.sha256(b"synthetic evidence").hexdigest()


class HopFailed(AssertionError):
    pass


def expect(r: httpx.Response, *codes: int) -> Any:
    if r.status_code not in (codes or (200,)):
        raise HopFailed(f"{r.request.method} {r.request.url.path} -> {r.status_code}: {r.text[:500]}")
    kind = r.headers.get("content-type", "").split(";")[0]
    return r.json() if kind == "application/json" or kind.endswith("+json") else r.text


@dataclass
class Gateway:
    """Talks to the gateway as department systems do: client credentials, then bearer tokens."""

    base_url: str
    credentials: dict[str, dict[str, Any]]
    client: httpx.AsyncClient = field(init=False)
    _tokens: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.client = httpx.AsyncClient(base_url=self.base_url, timeout=30)

    async def token(self, client_id: str) -> str:
        if client_id not in self._tokens:
            secret = self.credentials[client_id]["client_secret"]
            r = await self.client.post("/oauth/token", data={"grant_type": "client_credentials"},
                                       auth=(client_id, secret))
            self._tokens[client_id] = expect(r)["access_token"]
        return self._tokens[client_id]

    async def call(self, who: str | None, method: str, path: str, **kw: Any) -> httpx.Response:
        headers = kw.pop("headers", {})
        if who:
            headers["Authorization"] = f"Bearer {await self.token(who)}"
        return await self.client.request(method, path, headers=headers, **kw)

    async def until(self, check, what: str, timeout: float = 30.0) -> Any:
        """Poll `check()` until it returns something truthy (events travel asynchronously)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            value = await check()
            if value:
                return value
            if asyncio.get_running_loop().time() > deadline:
                raise HopFailed(f"timed out waiting for {what}")
            await asyncio.sleep(0.1)

    async def close(self) -> None:
        await self.client.aclose()


def individual_business_code(region: str, org: str) -> str:
    """A valid USCC of an individual business (9 market regulation, 2 individual business)."""
    first16 = f"92{region}{org[:8]}"
    for c in "0123456789ABCDEFGHJKLMNPQRTUWXY":
        try:
            return first16 + c + uscc_check_character(first16 + c)
        except Exception:  # noqa: BLE001, S112 - a character stdnum refuses at position 17
            continue
    raise ValueError(f"no valid code for {first16}")


@dataclass
class GoldenPath:
    gw: Gateway
    subjects: int = 12
    seed: int = 2026
    today: date = field(default_factory=date.today)
    usccs: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)

    def day(self, days_ago: int) -> str:
        return (self.today - timedelta(days=days_ago)).isoformat()

    # -- the catalogue: who may do what, public, as of today ---------------------------------------
    async def catalogue_in_force(self) -> dict[str, Any]:
        """The coordination catalogue in force today: the demo's departments hold the matters it uses."""
        body = expect(await self.gw.call(None, "GET", "/coordination/catalogue"))
        matters = {m["code"]: m for m in body["matters"]}
        for dept, matter in (("scjgj", "scjgj-001"), ("yjj", "yjj-001")):
            if dept not in matters.get(matter, {}).get("implemented_by", ()):
                raise HopFailed(f"catalogue {body['version']}: {dept} does not hold {matter}")
        self.state["catalogue"] = body
        return body

    # -- set-up: subjects in credit, their inspection objects, items and inspectors ---------------
    async def register_subjects(self) -> list[str]:
        rows = []
        for s in generate_subjects(self.subjects, seed=self.seed):
            rows.append({"uscc": s.uscc, "name": s.name, "subject_type": "enterprise",
                         "legal_rep_name": s.legal_representative, "legal_rep_id": s.legal_representative_id,
                         "registered_address": s.address, "district": "310104", "industry_code": "H6210",
                         "registered_on": s.registered_on.isoformat()})
        body = expect(await self.gw.call(CREDIT, "POST", "/credit/subjects/imports", json={"rows": rows}), 200, 201)
        self.usccs = [r["uscc"] for r in rows]
        self.names = {r["uscc"]: r["name"] for r in rows}
        self.state["import"] = body
        return self.usccs

    async def objects_arrive(self) -> None:
        wanted = set(self.usccs)

        async def all_there() -> bool:
            seen: set[str] = set()
            cursor = None
            while True:
                params = {"district": "310104", "limit": 200} | ({"cursor": cursor} if cursor else {})
                r = await self.gw.call(ADMIN, "GET", "/inspection/objects", params=params)
                if r.status_code != 200:
                    return False
                page = r.json()
                seen.update(o["uscc"] for o in page["items"])
                cursor = page.get("next_cursor")
                if not cursor:
                    return wanted <= seen

        await self.gw.until(all_there, "subjects in inspection's object database", timeout=60)

    async def prepare_inspection(self) -> None:
        items = []
        for who, dept, code, matter in ((ADMIN, "scjgj", "SCJG-SP-DEMO", "scjgj-001"),
                                        (PARTNER_ADMIN, "yjj", "YJJ-YP-DEMO", "yjj-001")):
            r = await self.gw.call(who, "GET", "/inspection/items", params={"code": code})
            existing = [i for i in expect(r)["items"] if i["code"] == code] if r.status_code == 200 else []
            if existing:
                items.append(existing[0])
                continue
            items.append(expect(await self.gw.call(who, "POST", "/inspection/items", json={
                "code": code, "name": f"{dept} 随机抽查事项 (synthetic)", "legal_basis": "Food Safety Law art. 87",
                "method": "on-site inspection", "kind": "general", "matter_code": matter}), 201))
        self.state["items"] = items
        inspectors = {}
        for cid in INSPECTORS:
            dept = self.gw.credentials[cid]["department"]
            admin = ADMIN if dept == "scjgj" else PARTNER_ADMIN
            listed = expect(await self.gw.call(admin, "GET", "/inspection/inspectors"))["items"]
            found = [i for i in listed if i["client_id"] == cid]
            inspectors[cid] = found[0] if found else expect(await self.gw.call(admin, "POST", "/inspection/inspectors", json={
                "name": f"检查员 {cid[-12:]}", "client_id": cid, "qualifications": ["enforcement"], "districts": ["*"]}), 201)
        self.state["inspectors"] = inspectors

    # -- the hops ---------------------------------------------------------------------------------
    async def plan_and_draw(self) -> dict:
        plan = expect(await self.gw.call(ADMIN, "POST", "/inspection/plans", json={
            "name": "徐汇区餐饮食品安全联合双随机抽查 (synthetic)", "item_ids": [i["id"] for i in self.state["items"]],
            "partner_departments": ["yjj"], "scope": {"districts": ["310104"]},
            "period_start": self.day(0), "period_end": self.day(-90), "ratio_overrides": {"B": "0.25"}}), 201)
        # Each department's own secret, committed to before and revealed after the commit; a beacon
        # published after the commit (here a synthetic one, five seconds later: time for the signed log
        # to record the commitment before it, which verify-draw checks).
        secrets = {ADMIN: os.urandom(32), PARTNER_ADMIN: os.urandom(32)}
        expect(await self.gw.call(PARTNER_ADMIN, "POST", f"/inspection/plans/{plan['id']}/secret-commitment",
                                  json={"secret_commitment": hashlib.sha256(secrets[PARTNER_ADMIN]).hexdigest()}))
        due = datetime.now(UTC) + timedelta(seconds=5)
        expect(await self.gw.call(ADMIN, "POST", f"/inspection/plans/{plan['id']}/commit", json={
            "secret_commitment": hashlib.sha256(secrets[ADMIN]).hexdigest(),
            "beacon": {"source": "synthetic demo beacon", "published_at": due.isoformat()}}))
        for who, secret in secrets.items():
            expect(await self.gw.call(who, "POST", f"/inspection/plans/{plan['id']}/reveal",
                                      json={"secret": secret.hex()}))
        await asyncio.sleep(max(0.0, (due - datetime.now(UTC)).total_seconds()) + 0.05)
        draw = expect(await self.gw.call(ADMIN, "POST", f"/inspection/plans/{plan['id']}/draw",
                                         json={"beacon_value": new_id()}))
        self.state["plan"], self.state["draw"] = plan, draw
        return draw

    async def verify_draw(self) -> dict:
        from services.inspection.rules.verify import verify_draw

        plan_id = self.state["plan"]["id"]
        published = expect(await self.gw.call(None, "GET", f"/inspection/public/draws/{plan_id}"))
        local = verify_draw(published)  # what `supervision verify-draw` does: published data only
        remote = expect(await self.gw.call(None, "GET", f"/inspection/public/draws/{plan_id}/verification"))
        self.state["published_draw"] = published
        # The whole chain, as `supervision verify-draw` runs it: against the signed log, once the draw is logged.
        from supervision.draw_chain import verify_chain

        async def logged() -> dict | None:
            r = await self.gw.call(None, "GET", f"/disclosure/public/draws/{plan_id}/evidence")
            return r.json() if r.status_code == 200 and r.json().get("draw") else None

        links = verify_chain(published, await self.gw.until(logged, "the draw in the signed log"))
        return {"local_ok": local.ok, "mismatches": list(local.mismatches), "remote": remote,
                "chain": {link.name: link.ok for link in links}}

    async def assigned_task(self) -> dict:
        plan_id = self.state["plan"]["id"]
        tasks = expect(await self.gw.call(ADMIN, "GET", "/inspection/tasks", params={"plan_id": plan_id}))["items"]
        task = next(t for t in tasks if len(t["inspector_ids"]) >= 2)
        by_id = {i["id"]: cid for cid, i in self.state["inspectors"].items()}
        self.state["task"] = task
        self.state["task_inspectors"] = [by_id[i] for i in task["inspector_ids"] if i in by_id]
        return task

    async def record_problem(self) -> dict:
        task = self.state["task"]
        inspector = next(c for c in self.state["task_inspectors"] if c.startswith("scjgj-"))
        scjgj_item = self.state["items"][0]
        result = expect(await self.gw.call(inspector, "POST", "/inspection/results", json={
            "task_id": task["id"], "item_id": scjgj_item["id"], "outcome": "problems_found",
            "problems": "冷库内发现超过保质期的食品 (synthetic)", "inspected_on": self.day(0),
            "evidence": [{"sha256": SHA, "filename": "cold-store.jpg", "media_type": "image/jpeg",
                          "size_bytes": 284311}]}), 201)
        self.state["result"] = result
        return result

    async def case_from_lead(self) -> dict:
        uscc = self.state["task"]["uscc"]
        self.state["grade_before"] = expect(await self.gw.call(CREDIT, "GET", f"/credit/subjects/{uscc}/grade"))

        async def lead() -> dict | None:
            r = await self.gw.call(OFFICER, "GET", "/casework/cases", params={"uscc": uscc})
            items = expect(r)["items"] if r.status_code == 200 else []
            return next((c for c in items if c.get("source_kind", c.get("source")) in
                         ("inspection_result", "inspection")), items[0] if items else None)

        case = await self.gw.until(lead, "the case lead from the inspection result")
        self.state["case"] = case
        return case

    async def investigate(self, cid: str | None = None, violation_type: str | None = None,
                          fine: str | None = None) -> dict:
        cid = cid or self.state["case"]["id"]
        if violation_type is None:
            # The draw picks the inspected company. An individual business's operator is a natural
            # person, for whom any food-labelling fine (¥5,000 at least) carries the hearing right and
            # its 5-working-day wait: the demo then takes a price-marking case below that threshold.
            natural = party_kind_of(self.state["case"]["uscc"]) != PARTY_ORGANISATION
            violation_type, fine = ("price_marking", PRICE_MARKING_FINE) if natural else ("food_labelling", FINE)
            if natural:
                self.state.setdefault("legal_bases", {})[cid] = ("Price Law art. 42", "未按规定明码标价 (synthetic)")
        fine = fine or FINE
        self.state.setdefault("fines", {})[cid] = fine
        team = [{"officer_id": "officer-zhang"}, {"officer_id": "officer-li"}]
        steps = [("review_lead", {}), ("file", {"investigators": team}), ("start_investigation", {}),
                 ("evidence", {"evidence_type": "audio_visual", "title": "冷库照片", "sha256": SHA,
                               "collected_on": self.day(0), "collected_by": ["officer-zhang", "officer-li"]}),
                 ("notify_rights", {"penalty_kinds": ["fine"], "fine_amount": fine})]
        # Several departments' findings and disputed facts: a complex case, so legal review is required.
        expect(await self.gw.call(OFFICER, "PATCH", f"/casework/cases/{cid}", json={"complex_case": True, "violation_type": violation_type}))
        last = None
        for action, body in steps:
            last = expect(await self.gw.call(OFFICER, "POST", f"/casework/cases/{cid}/{action}", json=body), 200, 201)
        return last

    async def legal_review(self, cid: str | None = None) -> dict:
        cid = cid or self.state["case"]["id"]
        review = expect(await self.gw.call(OFFICER, "POST", f"/casework/cases/{cid}/submit_for_review",
                                           json={}), 200, 201)
        review_id = review.get("id") or review.get("review_id")
        # The gate: a decision before the review passes is refused.
        refused = await self.gw.call(OFFICER, "POST", "/casework/decisions", json=self._decision(cid))
        self.state["refused_before_review"] = refused.status_code
        passed = expect(await self.gw.call(REVIEWER, "POST", f"/casework/reviews/{review_id}/pass",
                                           json={"opinion": "事实清楚，证据确凿，适用法律正确 (synthetic)"}))
        self.state["review"] = passed
        return passed

    def _decision(self, case_id: str, summary: str = "经营超过保质期的食品 (synthetic)",
                  legal_basis: str = "Food Safety Law art. 124(1)") -> dict:
        fine = self.state.get("fines", {}).get(case_id, FINE)
        legal_basis, summary = self.state.get("legal_bases", {}).get(case_id, (legal_basis, summary))
        return {"case_id": case_id, "decision_kind": "penalty", "penalty_kinds": ["fine"], "fine_amount": fine,
                "legal_basis": legal_basis, "severity": "minor", "summary": summary}

    async def decide(self, cid: str | None = None, *, key: str = "decision", summary: str | None = None,
                     legal_basis: str | None = None) -> dict:
        cid = cid or self.state["case"]["id"]
        r = await self.gw.call(OFFICER, "POST", f"/casework/cases/{cid}/propose_decision", json={})
        if r.status_code not in (200, 409):
            expect(r)
        # Issued with an Idempotency-Key and sent again, as a department system retries after a
        # timeout: the retry gets the first decision back, and no second one is issued.
        once = {"Idempotency-Key": new_id()}
        body = self._decision(cid, **{k: v for k, v in (("summary", summary), ("legal_basis", legal_basis)) if v})
        decision = expect(await self.gw.call(OFFICER, "POST", "/casework/decisions", json=body,
                                             headers=dict(once)), 201)
        retry = await self.gw.call(OFFICER, "POST", "/casework/decisions", json=body, headers=dict(once))
        self.state[f"{key}_retry"] = {"status": retry.status_code, "id": expect(retry, 201)["id"],
                                      "replayed": retry.headers.get("Idempotent-Replayed")}
        self.state[key] = decision
        did = decision["id"]
        expect(await self.gw.call(OFFICER, "POST", f"/casework/decisions/{did}/serve", json={}))
        expect(await self.gw.call(OFFICER, "POST", f"/casework/decisions/{did}/pay", json={"amount": body["fine_amount"]}))
        return decision

    async def credit_record_and_grade(self) -> dict:
        uscc = self.state["task"]["uscc"]
        number = self.state["decision"]["decision_number"]

        async def record() -> dict | None:
            items = expect(await self.gw.call(CREDIT, "GET", f"/credit/subjects/{uscc}/records"))["items"]
            return next((i for i in items if i["kind"] == "penalty" and i.get("source_ref") == number), None)

        rec = await self.gw.until(record, "the penalty credit record")
        grade = await self.gw.until(
            lambda: self._grade_changed(uscc), "the grade to change after the penalty")
        self.state["record"], self.state["grade_after"] = rec, grade
        return {"record": rec, "grade": grade}

    async def _grade_changed(self, uscc: str) -> dict | None:
        g = expect(await self.gw.call(CREDIT, "GET", f"/credit/subjects/{uscc}/grade"))
        return g if g["grade"] != self.state["grade_before"]["grade"] or \
            g.get("score") != self.state["grade_before"].get("score") else None

    async def disclosed(self) -> dict:
        uscc = self.state["task"]["uscc"]
        number = self.state["decision"]["decision_number"]

        async def in_api() -> dict | None:
            items = expect(await self.gw.call(None, "GET", "/public/records", params={"uscc": uscc}))["items"]
            return next((i for i in items if number in str(i)), None)

        record = await self.gw.until(in_api, "the penalty in the public API")
        feed = expect(await self.gw.call(None, "GET", "/public/feed.json", params={"uscc": uscc}))
        site = (await self.gw.call(None, "GET", f"/site/subjects/{uscc}")).text
        head = expect(await self.gw.call(None, "GET", "/public/log/tree-head"))
        self.state["published"], self.state["head_after_publish"] = record, head
        return {"record": record, "feed": feed, "site": site, "tree_head": head}

    async def repair(self) -> dict:
        uscc = self.state["task"]["uscc"]
        application = expect(await self.gw.call(CREDIT, "POST", "/credit/repairs", json={
            "uscc": uscc, "record_id": self.state["record"]["id"], "applicant_name": "synthetic applicant",
            "applicant_contact": "13800000000", "obligations_performed": True, "harm_removed": True,
            "platform": "credit_china",
            "statement": "罚款已缴清，已完成整改 (synthetic)"}), 201)
        decided = expect(await self.gw.call(CREDIT, "POST", f"/credit/repairs/{application['id']}/decision",
                                            json={"approve": True, "reason": "conditions met"}))
        self.state["repair"] = decided
        return decided

    async def withdrawn(self) -> dict:
        uscc = self.state["task"]["uscc"]
        number = self.state["decision"]["decision_number"]

        async def gone() -> bool:
            items = expect(await self.gw.call(None, "GET", "/public/records", params={"uscc": uscc}))["items"]
            return not any(number in str(i) for i in items)

        await self.gw.until(gone, "the repaired penalty to leave the public API")
        feed = expect(await self.gw.call(None, "GET", "/public/feed.json", params={"uscc": uscc}))
        site = (await self.gw.call(None, "GET", f"/site/subjects/{uscc}")).text
        return {"feed": feed, "site": site}

    async def log_consistent(self) -> dict:
        first = self.state["head_after_publish"]
        second = expect(await self.gw.call(None, "GET", "/public/log/tree-head"))
        proof = expect(await self.gw.call(None, "GET", "/public/log/proof/consistency",
                                          params={"first": first["tree_size"], "second": second["tree_size"]}))
        ok = merkle.verify_consistency(first["tree_size"], second["tree_size"], bytes.fromhex(first["root_hash"]),
                                       bytes.fromhex(second["root_hash"]), [bytes.fromhex(h) for h in proof["proof"]])
        return {"first": first, "second": second, "consistent": ok}

    async def tipoff_case(self) -> dict:
        """A real-name tip-off from the 12315 line: accepted, investigated, reviewed, decided (stays public)."""
        # An organisation (see assigned_task: no hearing window to wait out in the demo).
        uscc = next(u for u in reversed(self.usccs) if party_kind_of(u) == PARTY_ORGANISATION)
        created = expect(await self.gw.call(None, "POST", "/casework/complaints", json={
            "service_code": "food-safety", "address_string": "上海市徐汇区示例路1号", "request_kind": "tip_off",
            "description": f"店内出售过期牛奶。举报人张晓明，身份证{TIPOFF_SENDER_ID}，电话{TIPOFF_SENDER['phone']} "
                           "(synthetic tip-off)", "business_uscc": uscc, **TIPOFF_SENDER}), 201)[0]
        complaint = expect(await self.gw.call(OFFICER, "POST",
                                              f"/casework/complaints/{created['service_request_id']}/accept",
                                              json={"reason": "属本局管辖 (synthetic)"}))
        cid = complaint["case_id"]
        # The tip-off named the business only by USCC: the officer identifies the party on the case.
        expect(await self.gw.call(OFFICER, "PATCH", f"/casework/cases/{cid}", json={"party_name": self.names[uscc]}))
        await self.investigate(cid)
        await self.legal_review(cid)
        decision = await self.decide(cid, key="tipoff_decision")
        self.state["tipoff_uscc"] = uscc
        return decision

    async def natural_persons_penalised(self) -> list[dict]:
        """Penalties on two individual businesses (USCC 92...), one named as its operator, a person:
        the facts name the operator's home address, ID number and mobile, as real case files do."""
        rep = generate_subjects(2, seed=self.seed + 92)
        codes = [individual_business_code(f"31010{5 + i}", f"GT{self.seed % 10000:04d}{i:02d}") for i in range(2)]
        names = ["徐汇区张记小吃店 (synthetic)", "李四"]
        expect(await self.gw.call(CREDIT, "POST", "/credit/subjects/imports", json={"rows": [
            {"uscc": code, "name": name, "subject_type": "individual_business", "legal_rep_name": r.legal_representative,
             "legal_rep_id": r.legal_representative_id, "registered_address": OPERATOR_HOME, "district": "310105",
             "industry_code": "H6210", "registered_on": r.registered_on.isoformat()}
            for code, name, r in zip(codes, names, rep, strict=True)]}), 200, 201)
        full_width = OPERATOR_MOBILE.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
        facts = [(f"经营者住址：{OPERATOR_HOME}，身份证{OPERATOR_ID[:6]} {OPERATOR_ID[6:14]} {OPERATOR_ID[14:]}，"
                  f"手机{full_width}，商品未明码标价 (synthetic)"),
                 (f"当事人李四，公民身份号码{PERSON_ID[:6]}-{PERSON_ID[6:14]}-{PERSON_ID[14:]}，"
                  f"联系电话+86 {PERSON_MOBILE}，商品未明码标价 (synthetic)")]
        decisions = []
        for code, name, text in zip(codes, names, facts, strict=True):
            # A price-marking fine (up to ¥5,000): below a natural person's hearing threshold.
            case = expect(await self.gw.call(OFFICER, "POST", "/casework/cases", json={
                "matter_code": "scjgj-001", "uscc": code, "party_name": name, "violation_type": "price_marking",
                "summary": text}), 201)
            await self.investigate(case["id"], violation_type="price_marking", fine=PRICE_MARKING_FINE)
            await self.legal_review(case["id"])
            decisions.append(await self.decide(case["id"], key=f"decision_{code}", summary=text,
                                               legal_basis="Price Law art. 42"))
        self.state["natural_person_codes"] = codes
        self.state["operator_ids"] = [r.legal_representative_id for r in rep]
        return decisions

    async def play(self) -> dict[str, Any]:
        """Every hop in order (the demo)."""
        await self.catalogue_in_force()
        await self.register_subjects()
        await self.objects_arrive()
        await self.prepare_inspection()
        await self.plan_and_draw()
        await self.verify_draw()
        await self.assigned_task()
        await self.record_problem()
        await self.case_from_lead()
        await self.investigate()
        await self.legal_review()
        await self.decide()
        await self.credit_record_and_grade()
        await self.disclosed()
        await self.repair()
        await self.withdrawn()
        await self.tipoff_case()
        await self.natural_persons_penalised()
        return await self.log_consistent()
