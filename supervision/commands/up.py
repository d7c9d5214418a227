"""`supervision up`: the whole platform on this machine (see supervision/embedded/)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import typer

from supervision.embedded.config import EmbeddedConfig, Ports
from supervision.embedded.runner import run_embedded

# The demo seeding plugs in here: called with the URLs once everything is ready, unless
# `--no-demo`. Set it to a callable taking {"gateway": ..., "credit": ..., ...}.
post_start_hook: Callable[[dict[str, str]], None] | None = None


def up(
    data_dir: Path = typer.Option(Path(".data"), envvar="SUP_DATA_DIR", help="Where databases, the NATS store, keys and logs live; kept between runs."),
    host: str = typer.Option("127.0.0.1", envvar="SUP_HOST", help="Address every process binds to."),
    gateway_port: int = typer.Option(8000, envvar="SUP_GATEWAY_PORT", help="Port of the gateway (the only one the public and departments use)."),
    credit_port: int = typer.Option(8001, envvar="SUP_CREDIT_PORT", help="Port of the credit service (the gateway forwards to it)."),
    inspection_port: int = typer.Option(8002, envvar="SUP_INSPECTION_PORT", help="Port of the inspection service (the gateway forwards to it)."),
    casework_port: int = typer.Option(8003, envvar="SUP_CASEWORK_PORT", help="Port of the casework service (the gateway forwards to it)."),
    disclosure_port: int = typer.Option(8004, envvar="SUP_DISCLOSURE_PORT", help="Port of the disclosure service (the gateway forwards to it)."),
    coordination_port: int = typer.Option(8005, envvar="SUP_COORDINATION_PORT", help="Port of the coordination service (the gateway forwards to it)."),
    nats_port: int = typer.Option(4333, envvar="SUP_NATS_PORT", help="Port of the embedded nats-server."),
    nats_url: str | None = typer.Option(None, envvar="SUP_NATS_URL", help="Use this running NATS instead of starting one."),
    stream_replicas: int = typer.Option(1, "--stream-replicas", min=1, max=5, envvar="SUP_STREAM_REPLICAS",
                                        help="Replicas of every stream (e.g. 3 on a 3-node cluster given by --nats-url); "
                                             "existing streams are brought to this count at start-up."),
    public_base_url: str | None = typer.Option(None, envvar="SUP_PUBLIC_BASE_URL", help="Address the public and integrators reach the gateway at, for the links in feeds (e.g. https://supervision.example.gov.cn); default: the gateway's own http://HOST:GATEWAY-PORT."),
    ready_timeout: float = typer.Option(60.0, envvar="SUP_READY_TIMEOUT", help="Seconds to wait for every /readyz."),
    log_level: str = typer.Option("INFO", envvar="SUP_LOG_LEVEL", help="DEBUG, INFO, WARNING or ERROR, for every process."),
    demo: bool = typer.Option(True, "--demo/--no-demo", envvar="SUP_DEMO", help="Seed the demo data after start."),
    check: bool = typer.Option(False, "--check", help="Start, wait until ready, print the URLs, stop."),
) -> None:
    """Start NATS, migrate, run the five services and the gateway; Ctrl-C stops all."""
    config = EmbeddedConfig(
        data_dir=data_dir,
        host=host,
        ports=Ports(
            gateway=gateway_port,
            credit=credit_port,
            inspection=inspection_port,
            casework=casework_port,
            disclosure=disclosure_port,
            coordination=coordination_port,
            nats=nats_port,
        ),
        nats_url=nats_url,
        stream_replicas=stream_replicas,
        public_base_url=public_base_url,
        ready_timeout=ready_timeout,
        demo=demo,
        log_level=log_level,
    )
    from supervision.demo import make_demo_hook

    hook = post_start_hook or make_demo_hook(config.data_dir, echo=_echo)
    code = run_embedded(config, check=check, post_start=hook, echo=_echo)
    raise typer.Exit(code)


def _echo(line: str) -> None:
    typer.echo(line, err=line.startswith("error:"))


def register(app: typer.Typer) -> None:
    app.command("up")(up)
