"""The gateway in front of a real credit service on a real port: key rotation without downtime."""

from __future__ import annotations

import asyncio

import jwt
import pytest
from typer.testing import CliRunner

from gateway.identity.credentials import create_client
from services.credit.app import create_app as create_credit_app
from services.credit.settings import CreditSettings
from supervision.cli import app as cli
from tests.auth_support import seed_sample_catalogue
from tests.gateway.support import SUBJECT, gateway_client, gateway_settings, serving

pytestmark = pytest.mark.anyio

SUBJECT_BODY = {"uscc": SUBJECT, "name": "上海示例贸易有限公司", "subject_type": "enterprise", "legal_rep_name": "张三",
                "legal_rep_id": "11010519491231002X", "registered_address": "上海市黄浦区中山东一路1号",
                "district": "310101", "industry_code": "F5191", "registered_on": "2019-03-15"}


def credit_app(database_url: str, jwks_file):
    return create_credit_app(CreditSettings(database_url=database_url, bus_enabled=False, jwks_file=jwks_file,
                                            migrate_on_start=False, log_json=False))


async def _token(c, client_id: str, secret: str) -> str:
    r = await c.post("/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret))
    assert r.status_code == 200, r.text
    return r.json()["access_token"]


async def test_a_token_signed_before_a_key_rotation_still_works_through_the_gateway(databases, tmp_path, monkeypatch):
    settings = gateway_settings(tmp_path)
    client_id, secret = create_client(settings, "scjgj", ["credit_officer"])
    credit_db = await databases.fresh("credit")
    await seed_sample_catalogue("credit", credit_db)
    with serving(credit_app(credit_db, settings.jwks_path)) as credit:
        settings = gateway_settings(tmp_path, credit_url=credit.url)
        async with gateway_client(settings) as c:
            before = await _token(c, client_id, secret)
            created = await c.post("/credit/subjects", json=SUBJECT_BODY, headers={"Authorization": f"Bearer {before}"})
            assert created.status_code == 201, created.text

            for var, value in {"GATEWAY_KEY_DIR": settings.key_dir, "GATEWAY_CLIENTS_FILE": settings.clients_file}.items():
                monkeypatch.setenv(var, str(value))
            rotated = CliRunner().invoke(cli, ["credentials", "rotate-keys"])
            assert rotated.exit_code == 0, rotated.output

            published = [k["kid"] for k in (await c.get("/.well-known/jwks.json")).json()["keys"]]
            old_kid = jwt.get_unverified_header(before)["kid"]
            new_kid = published[0]
            assert published == [new_kid, old_kid]
            # The new key is published at once but signs only after the publication delay.
            assert jwt.get_unverified_header(await _token(c, client_id, secret))["kid"] == old_kid
            await asyncio.sleep(settings.key_publish_seconds)
            after = await _token(c, client_id, secret)
            assert jwt.get_unverified_header(after)["kid"] == new_kid
            # Both tokens pass the gateway and the service's own verification (it reloads the JWKS file).
            for token in (before, after):
                r = await c.get(f"/credit/subjects/{SUBJECT}", headers={"Authorization": f"Bearer {token}"})
                assert r.status_code == 200, r.text
                assert r.json()["uscc"] == SUBJECT
