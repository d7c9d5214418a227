"""PIPL: personal information is redacted before anything is stored for publication.

Every publishable event type carries ID numbers, phones and a home address in its free text
(and, where the party is a natural person, the person's name in its name field and its text);
none of it may reach any public response: the API, the feeds, the bulk files, the log or the site.
Plans and draws name no person, so they carry the numbers and the address only.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from shared.identifiers import is_natural_person, is_resident_id, is_valid_uscc
from tests.disclosure import support as s
from tests.redaction_strategies import (
    INDIVIDUAL_BUSINESS,
    NUMBER_SECRETS,
    leaks,
    personal_text,
)
from tests.support import wait_for

pytestmark = pytest.mark.anyio

RIC = s.resident_id()
MOBILE, LANDLINE = "13912345678", "021-62345678"
ADDRESS = "长宁路123弄45号601室"
PERSON = "王小明"
SECRETS = [RIC, RIC[6:14], MOBILE, "62345678", "123弄45号", "601室", PERSON, "小明"]
PERSONAL_TEXT = f"当事人{PERSON}，身份证号{RIC}，手机{MOBILE}，电话{LANDLINE}，住{ADDRESS}"
NUMBERS_TEXT = f"联系电话{LANDLINE}，手机{MOBILE}，证件{RIC}，地址上海市{ADDRESS}"


def _events() -> list:
    org = s.uscc()
    entry = s.list_entry(RIC, PERSON, reason=PERSONAL_TEXT)
    seed = "ab" * 32
    return [
        s.plan("plan-redaction", name=f"抽查计划（{NUMBERS_TEXT}）", scope={"note": NUMBERS_TEXT}),
        s.draw("plan-redaction", {"seed": seed, "seed_commitment": "0" * 64, "population_root": "1" * 64,
                                  "note": NUMBERS_TEXT, "strata": [{"name": "B", "selected": [org]}]}),
        s.result(RIC, PERSON, problems=PERSONAL_TEXT),
        s.decision(RIC, PERSON, party_kind="person", summary=f"无照经营（{PERSON}）{PERSONAL_TEXT}"),
        s.decision(org, "上海示例餐饮有限公司", summary=f"法定代表人证件{RIC}，手机{MOBILE}，座机{LANDLINE}"),
        s.licence(RIC, PERSON, summary=f"食品经营许可（{PERSONAL_TEXT}）"),
        entry,
        s.list_exit(RIC, PERSON, entry.entry_id, reason=PERSONAL_TEXT),
    ], org


async def _all_public_text(c, org: str, *subjects: str, draw: str | None = "plan-redaction") -> str:
    out: list[str] = []

    async def get(url: str, **params) -> dict | None:
        r = await c.get(url, params=params)
        assert r.status_code in (200, 410), f"{url}: {r.status_code} {r.text[:200]}"
        out.append(r.text)
        return r.json() if r.headers["content-type"].startswith("application/json") else None

    records = (await get("/public/records", limit=100))["items"]
    for rec in records:
        await get(f"/public/records/{rec['id']}")
        await get(f"/site/records/{rec['id']}")
        await get(f"/public/log/records/{rec['id']}")
    for code in (org, *subjects):
        await get(f"/public/subjects/{code}")
        await get(f"/site/subjects/{code}")
    for feed in ("/public/feed.atom", "/public/feed.json"):
        await get(feed)
        await get(feed, cursor="c2VxOjA")
    for record_type in ("inspection_plan", "inspection_draw", "inspection_result", "penalty_decision", "licence",
                        "list_entry", "list_exit"):
        await get(f"/public/bulk/{record_type}/{s.today().isoformat()}.csv")
    head = await get("/public/log/tree-head")
    for i in range(head["tree_size"]):
        await get(f"/public/log/entries/{i}")
    pages = ["/", "/site/", "/site/search?q=王", "/site/search?q=食品", "/site/search?q=小吃"]
    if draw:
        pages += [f"/public/draws/{draw}", f"/site/draws/{draw}"]
    for page in pages:
        await get(page)
    return "\n".join(out)


async def test_no_personal_data_reaches_any_public_output(databases, authority, nats_server):
    assert is_resident_id(RIC) and not is_valid_uscc(RIC)
    events, org = _events()
    async with s.Publisher(nats_server.url) as bus, \
            s.service_client_with("disclosure", databases, authority, nats_server.url) as c:
        for e in events:
            await bus.send(e)

        async def all_published():
            head = (await c.get("/public/log/tree-head")).json()
            return head["tree_size"] >= 9  # 8 publications + the list entry's withdrawal

        await wait_for(all_published, timeout=15, what="every event published")
        types = {r["record_type"] for r in (await c.get("/public/records", params={"limit": 100})).json()["items"]}
        assert types == {"inspection_plan", "inspection_draw", "inspection_result", "penalty_decision", "licence",
                         "list_exit"}
        text = await _all_public_text(c, org)
        leaks = [secret for secret in SECRETS if secret in text]
        assert not leaks, f"personal data reached the public: {leaks}"
        # The redaction kept the record readable: masks in place, the organisation named.
        assert "王**" in text and "139********" in text and "上海示例餐饮有限公司" in text


ADDRESS_92 = "住址：上海市徐汇区龙华西路585弄12号302室"


async def _published(c, n: int) -> None:
    async def enough():
        return (await c.get("/public/log/tree-head")).json()["tree_size"] >= n

    await wait_for(enough, timeout=15, what=f"{n} records published")


async def test_an_individual_business_is_a_natural_person_whatever_the_producer_says(databases, authority,
                                                                                      nats_server):
    """USCC 92... is an individual business: its operator's home address and numbers are personal,
    in a penalty marked as on an organisation and in an inspection result alike."""
    assert is_natural_person(INDIVIDUAL_BUSINESS)
    org = s.uscc()
    text = f"{ADDRESS_92}，身份证310104 19820303 4324，另310104-19820303-4324，手机１３８１２３４５６７８"
    async with s.Publisher(nats_server.url) as bus, \
            s.service_client_with("disclosure", databases, authority, nats_server.url) as c:
        await bus.send(s.decision(INDIVIDUAL_BUSINESS, "徐汇区张三小吃店", party_kind="organisation", summary=text))
        await bus.send(s.result(INDIVIDUAL_BUSINESS, "徐汇区张三小吃店", problems=text))
        await bus.send(s.result(org, "上海示例餐饮有限公司", problems="3101 0419 8203 0343 24"))
        await _published(c, 3)
        public = await _all_public_text(c, org, INDIVIDUAL_BUSINESS, draw=None)
        for secret in ("585弄12号", "302室", "19820303", "4324", "１２３４５６７８", "0419 8203"):
            assert secret not in public, secret
        assert "龙华西路" in public and INDIVIDUAL_BUSINESS in public


PROPERTY = settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROPERTY
@given(person=personal_text(), company=personal_text(NUMBER_SECRETS))
async def test_generated_personal_data_reaches_no_public_output(databases, authority, nats_server, person, company):
    """Hypothesis writes ID numbers, phones, e-mails, cards and addresses every way people do, in
    Chinese and English; none reaches the records API, subject pages, site, feeds, bulk CSV or
    the log, and the ordinary figures around them do."""
    (ptext, psecrets, pfigures), (ctext, csecrets, cfigures) = person, company
    org = s.uscc()
    async with s.Publisher(nats_server.url) as bus, \
            s.service_client_with("disclosure", databases, authority, nats_server.url) as c:
        head = (await c.get("/public/log/tree-head")).json()["tree_size"]
        await bus.send(s.decision(INDIVIDUAL_BUSINESS, "张三小吃店", summary=ptext))
        await bus.send(s.result(INDIVIDUAL_BUSINESS, "张三小吃店", problems=ptext))
        await bus.send(s.decision(org, "上海示例餐饮有限公司", summary=ctext))
        await bus.send(s.list_entry(org, "上海示例餐饮有限公司", reason=ctext))
        await _published(c, head + 4)
        public = await _all_public_text(c, org, INDIVIDUAL_BUSINESS, draw=None)
        assert not leaks(public, psecrets + csecrets)
        assert all(f in public for f in pfigures + cfigures)
