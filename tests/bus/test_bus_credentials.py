"""An authenticated bus with least privilege: a real nats-server with the generated authorization."""

from __future__ import annotations

import asyncio
import stat

import nats
import pytest
from nats.errors import NoServersError
from nats.errors import TimeoutError as NatsTimeout

from shared.bus.credentials import (
    CONSUMES,
    OPERATOR,
    connect_options,
    password_file,
    write_server_auth,
)
from shared.bus.streams import ensure_producer_stream
from tests.auth_support import service_client
from tests.support import NatsServer, wait_for

pytestmark = pytest.mark.anyio
SERVICES = ("credit", "inspection", "casework", "disclosure", "coordination")


@pytest.fixture
def secured(tmp_path):
    creds = tmp_path / "bus"
    server = NatsServer(tmp_path / "nats", config=write_server_auth(creds, SERVICES))
    server.start()
    server.creds = creds
    yield server
    server.stop()


async def _connect(server, user: str | None, errors: list[str] | None = None):
    opts = connect_options(user, None, password_file(server.creds, user) if user else None)

    async def on_error(exc: Exception) -> None:
        if errors is not None:
            errors.append(str(exc))

    return await nats.connect(server.url, allow_reconnect=False, connect_timeout=2, error_cb=on_error, **opts)


async def test_an_unauthenticated_connection_is_refused(secured):
    with pytest.raises((NoServersError, nats.errors.Error, OSError)):
        await _connect(secured, None)
    assert stat.S_IMODE(password_file(secured.creds, "credit").stat().st_mode) == 0o600


async def test_a_service_publishes_only_its_own_events_and_reads_only_what_it_consumes(secured):
    op = await _connect(secured, OPERATOR)
    js = op.jetstream()
    for producer in ("casework", "credit"):
        await ensure_producer_stream(js, producer)
    errors: list[str] = []
    casework = await _connect(secured, "casework", errors)
    try:
        cjs = casework.jetstream(timeout=2)
        assert (await cjs.publish("sup.casework.decision.issued", b"{}")).stream == "CASEWORK"
        with pytest.raises((NatsTimeout, nats.js.errors.Error, asyncio.TimeoutError)):
            await cjs.publish("sup.credit.record.added", b"{}")  # another producer's subject
        seen: list[bytes] = []

        async def overheard(msg) -> None:
            seen.append(msg.data)

        await casework.subscribe("sup.>", cb=overheard)  # eavesdropping on every subject
        await op.publish("sup.credit.record.added", b"secret")
        await op.flush()

        async def refused():
            said = [e.lower() for e in errors]
            return any('violation for subscription to "sup.>"' in e for e in said) and \
                any('violation for publish to "sup.credit.record.added"' in e for e in said)

        await wait_for(refused, what="both permission violations")
        assert seen == []
    finally:
        await casework.close()
        await op.close()


@pytest.mark.parametrize("service", ["credit", "inspection", "casework", "disclosure"])
async def test_each_service_runs_its_relay_and_consumers_with_its_own_credentials(databases, authority, secured,
                                                                                  service):
    async with service_client(service, databases, authority, secured.url, nats_user=service,
                              nats_password_file=password_file(secured.creds, service)) as c:
        bus = c.app.state.bus
        await asyncio.wait_for(bus.wait_started(), 30)
        assert bus.connected and all(consumer._psub is not None for consumer in bus.consumers)
        assert {sub.producer for sub in c.app.state.subscriptions} <= set(CONSUMES[service])


def test_rotating_one_users_password_changes_only_that_one(tmp_path):
    from typer.testing import CliRunner

    from supervision.cli import app

    write_server_auth(tmp_path / "bus", SERVICES)
    before = {s: password_file(tmp_path / "bus", s).read_text() for s in SERVICES}
    result = CliRunner().invoke(app, ["bus", "rotate", "credit", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    after = {s: password_file(tmp_path / "bus", s).read_text() for s in SERVICES}
    assert after["credit"] != before["credit"] and {s: after[s] for s in SERVICES if s != "credit"} == \
        {s: before[s] for s in SERVICES if s != "credit"}
    assert stat.S_IMODE(password_file(tmp_path / "bus", "credit").stat().st_mode) == 0o600
    auth = write_server_auth(tmp_path / "bus", SERVICES).read_text()
    assert after["credit"].strip() in auth and before["credit"].strip() not in auth
