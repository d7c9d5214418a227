"""A catalogue version published by coordination reaches credit over a real nats-server and governs the
acts dated from its effective date, without a restart; credit is not ready before it has a version."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.catalogue.readmodel import sample_document
from shared.clock import shanghai_today
from tests.auth_support import service_client
from tests.credit.helpers import penalty, register
from tests.support import handled_at_least, wait_for

pytestmark = pytest.mark.anyio


async def test_a_published_version_takes_effect_in_credit_on_its_date_without_a_restart(databases, authority,
                                                                                      nats_server):
    async with service_client("credit", databases, authority, nats_server.url, with_catalogue=False) as credit:
        r = await credit.get("/readyz")
        assert r.status_code == 503 and r.json()["checks"]["catalogue"]["ok"] is False
        async with service_client("coordination", databases, authority, nats_server.url) as coordination:
            await wait_for(handled_at_least(credit.app, 1), what="the sample catalogue in credit")
            assert (await credit.get("/readyz")).json()["checks"]["catalogue"]["detail"] == "catalogue sample-2026.1"
            uscc = await register(credit, authority)
            h = authority.headers("yjj", "case_officer")
            assert (await credit.post(f"/subjects/{uscc}/records", json=penalty("yjj-003", days=0),
                                      headers=h)).status_code == 201

            doc = sample_document()
            doc.pop("sample")
            doc.update(version="2026.2", effective_from=shanghai_today().isoformat(),
                       matters=[m for m in doc["matters"] if m["code"] != "yjj-003"])
            r = await coordination.post("/catalogue/versions", json=doc, headers=authority.headers("szfbgt", "admin"))
            assert r.status_code == 201, r.text
            await wait_for(handled_at_least(credit.app, 2), what="the new version in credit")

            r = await credit.post(f"/subjects/{uscc}/records", json=penalty("yjj-003", days=0), headers=h)
            assert r.status_code == 403 and r.json()["catalogue_version"] == "2026.2"
            # An act dated before the change is judged by the version in force then.
            r = await credit.post(f"/subjects/{uscc}/records", json=penalty("yjj-003", days=1), headers=h)
            assert r.status_code == 201, r.text
            tomorrow = (shanghai_today() + timedelta(days=1)).isoformat()
            versions = (await coordination.get("/catalogue/versions", params={"on": tomorrow})).json()["items"]
            assert [v["version"] for v in versions] == ["sample-2026.1", "2026.2"]
