"""docker-compose.yml and infra/ agree with the code (no Docker engine here to start them)."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from shared.bus.credentials import CONSUMES, write_server_auth

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
NATS_NODES = ("nats-1", "nats-2", "nats-3")
APPS = {
    "credit": ("services.credit.app", "services.credit.settings", "CreditSettings"),
    "inspection": ("services.inspection.app", "services.inspection.settings", "InspectionSettings"),
    "casework": ("services.casework.app", "services.casework.settings", "CaseworkSettings"),
    "disclosure": ("services.disclosure.app", "services.disclosure.settings", "DisclosureSettings"),
    "coordination": ("services.coordination.app", "services.coordination.settings", "CoordinationSettings"),
    "gateway": ("gateway.app", "gateway.settings", "GatewaySettings"),
}
BUS_SERVICES = ("credit", "inspection", "casework", "disclosure", "coordination")


def settings_class(app: str) -> type:
    _, module, name = APPS[app]
    return getattr(importlib.import_module(module), name)


def settings_by_prefix() -> dict[str, type]:
    return {settings_class(app).model_config["env_prefix"]: settings_class(app) for app in APPS}


def our_image(svc: dict) -> bool:
    return svc.get("build") is not None


def factory_of(svc: dict) -> str | None:
    command = svc.get("command") or []
    return command[command.index("--factory") + 1] if "--factory" in command else None


def test_every_app_runs_an_importable_factory():
    factories = {name: factory_of(svc) for name, svc in SERVICES.items() if factory_of(svc)}
    assert set(factories) == set(APPS)
    for name, factory in factories.items():
        module, _, attr = factory.partition(":")
        assert module == APPS[name][0]
        assert callable(getattr(importlib.import_module(module), attr)), factory


def test_every_environment_variable_is_a_field_of_its_settings_class(monkeypatch):
    by_prefix = settings_by_prefix()
    assert set(by_prefix) == {f"{app.upper()}_" for app in APPS}
    checked = 0
    for name, svc in SERVICES.items():
        if not our_image(svc):
            continue
        for var, value in (svc.get("environment") or {}).items():
            prefix = next((p for p in by_prefix if var.startswith(p)), None)
            assert prefix is not None, f"{name}: {var} belongs to no settings class"
            field = var[len(prefix):].lower()
            assert field in by_prefix[prefix].model_fields, f"{name}: {var} is not a settings field"
            monkeypatch.setenv(var, str(value))
            checked += 1
        # The values parse: each app's settings load from exactly this environment.
        if name in APPS:
            settings = settings_class(name)()
            if name in BUS_SERVICES:
                assert settings.stream_replicas == 3
                assert settings.database_url == svc["environment"][f"{name.upper()}_DATABASE_URL"]
    assert checked > 20


def test_each_service_has_its_own_postgresql_database():
    sql = (ROOT / "infra/postgres/01-databases.sql").read_text(encoding="utf-8")
    urls = {}
    for name in APPS:
        env = SERVICES[name]["environment"]
        url = env.get(f"{name.upper()}_DATABASE_URL") or env.get(f"{name.upper()}_AUDIT_DATABASE_URL")
        assert url.startswith("postgresql+asyncpg://"), name
        urls[name] = url.rsplit("/", 1)[-1]
        assert re.search(rf"CREATE DATABASE {urls[name]}\s", sql), f"{urls[name]} not created"
    assert len(set(urls.values())) == len(APPS)
    # The one-shot migration job gets the same databases and runs before any app.
    migrate_env = SERVICES["migrate"]["environment"]
    for name in BUS_SERVICES:
        assert migrate_env[f"{name.upper()}_DATABASE_URL"] == SERVICES[name]["environment"][f"{name.upper()}_DATABASE_URL"]
    assert "upgrade_to_head" in "\n".join(SERVICES["migrate"]["command"])
    for name in APPS:
        assert SERVICES[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_streams_are_replicated_three_times_across_the_cluster():
    for name in BUS_SERVICES:
        env = SERVICES[name]["environment"]
        prefix = f"{name.upper()}_"
        assert str(env[f"{prefix}STREAM_REPLICAS"]) == "3", name
        hosts = re.findall(r"nats://([\w-]+):4222", env[f"{prefix}NATS_URL"])
        assert tuple(hosts) == NATS_NODES, name
        assert env[f"{prefix}JWKS_URL"] == "http://gateway:8000/.well-known/jwks.json"
    gateway = SERVICES["gateway"]["environment"]
    for name in BUS_SERVICES:
        assert gateway[f"GATEWAY_{name.upper()}_URL"] == f"http://{name}:8000"


@pytest.mark.parametrize("node", NATS_NODES)
def test_nats_nodes_fsync_always_and_route_to_the_whole_cluster(node, tmp_path):
    conf_path = ROOT / "infra" / "nats" / f"{node}.conf"
    conf = conf_path.read_text(encoding="utf-8")
    assert re.search(r"^\s*sync_interval:\s*always\s*$", conf, re.MULTILINE)
    assert re.search(rf"^server_name:\s*{node}\s*$", conf, re.MULTILINE)
    routes = re.findall(r"nats-route://([\w-]+):6222", conf)
    assert tuple(routes) == NATS_NODES
    mounts = SERVICES[node]["volumes"]
    assert f"./infra/nats/{node}.conf:/etc/nats/nats.conf:ro" in mounts
    # The real server accepts the file (-t: check the configuration and exit), with the
    # authorization the bus-credentials job writes beside it.
    assert "bus-credentials:/etc/nats/auth:ro" in mounts and 'include "auth/nats-auth.conf"' in conf
    write_server_auth(tmp_path / "auth", CONSUMES)
    (tmp_path / "nats.conf").write_text(conf, encoding="utf-8")
    binary = Path(sys.executable).parent / "nats-server"
    checked = subprocess.run([str(binary), "-c", str(tmp_path / "nats.conf"), "-t"], capture_output=True, text=True,
                             check=False)
    assert checked.returncode == 0, checked.stderr


def test_health_checks_probe_readyz_and_only_the_gateway_is_published():
    for name in APPS:
        assert "/readyz" in " ".join(SERVICES[name]["healthcheck"]["test"]), name
    published = {name for name, svc in SERVICES.items() if svc.get("ports")}
    assert published == {"gateway"}


def test_the_image_contains_every_package():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    for package in ("shared", "services", "gateway", "supervision", "bench"):
        assert re.search(rf"^COPY {package} ", dockerfile, re.MULTILINE), package


def test_every_service_reaches_the_bus_with_its_own_user():
    assert set(CONSUMES) == set(BUS_SERVICES)
    for name in BUS_SERVICES:
        svc, prefix = SERVICES[name], name.upper()
        assert svc["environment"][f"{prefix}_NATS_USER"] == name
        assert svc["environment"][f"{prefix}_NATS_PASSWORD_FILE"] == f"/var/lib/supervision/bus/{name}.password"
        assert "bus-credentials:/var/lib/supervision/bus:ro" in svc["volumes"]
    assert "write_server_auth" in " ".join(SERVICES["bus-credentials"]["command"])
