"""A credit record on an individual business leaves credit without its operator's personal data."""

from __future__ import annotations

import json

import pytest

from tests.auth_support import service_client
from tests.credit.helpers import outbox_events, penalty, register
from tests.redaction_strategies import INDIVIDUAL_BUSINESS

pytestmark = pytest.mark.anyio

TEXT = "经营者住址：上海市徐汇区龙华西路585弄12号302室，身份证310104-19820303-4324，手机１３８１２３４５６７８"


async def test_record_added_on_an_individual_business_carries_no_id_mobile_or_home_address(databases, authority):
    async with service_client("credit", databases, authority) as c:
        uscc = await register(c, authority, uscc=INDIVIDUAL_BUSINESS, name="张三小吃店",
                              subject_type="individual_business")
        r = await c.post(f"/subjects/{uscc}/records", json=penalty(summary=TEXT),
                         headers=authority.headers("scjgj", "case_officer"))
        assert r.status_code == 201, r.text
        [added] = await outbox_events(c, "sup.credit.record.added", uscc)
    text = json.dumps(added, ensure_ascii=False)
    assert not [s for s in ("585弄12号", "302室", "19820303", "4324", "１２３４５６７８") if s in text], text
    assert added["uscc"] == INDIVIDUAL_BUSINESS and "龙华西路" in added["summary"]
