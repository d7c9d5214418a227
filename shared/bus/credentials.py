"""Who may do what on the bus: one NATS user per service, least privilege, made at first start.

Each service publishes only its own events (`sup.<service>.>`) and the dead letters of its own
consumers, reads only the streams of the producers it consumes, and gets replies on its own
inbox prefix (`_INBOX_<service>.>`), so nobody else's replies reach it. The JetStream API
subjects it needs are listed one by one (its streams, its consumers). The `operator` user (CLI,
dead-letter tools, test observers) may do everything. Without a user and password a connection
is refused.

Passwords are random, one file per user (`<dir>/<user>.password`, mode 0600), made when missing;
the server's `authorization` block is written from them at every start (`<dir>/nats-auth.conf`,
0600). Rotating a user's password: replace its file (`supervision bus rotate NAME`), restart.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from shared.bus.streams import DLQ_STREAM, stream_name
from shared.keyfiles import load_or_create, random_secret, write_private

OPERATOR = "operator"
# Which producers' streams each service reads (tests/bus/test_bus_credentials.py checks every
# service's subscriptions against it).
CONSUMES: dict[str, tuple[str, ...]] = {
    "credit": ("casework", "inspection", "coordination"),
    "inspection": ("credit", "coordination"),
    "casework": ("inspection", "credit", "coordination"),
    "disclosure": ("inspection", "casework", "credit", "coordination"),
    "coordination": (),
}
AUTH_FILE = "nats-auth.conf"


def inbox_prefix(user: str) -> str:
    return f"_INBOX_{user}"


def permissions(service: str, consumes: Iterable[str]) -> dict[str, dict[str, list[str]]]:
    own = stream_name(service)
    read = [stream_name(p) for p in consumes]
    streams = [own, DLQ_STREAM, *read]
    api = ["$JS.API.INFO"]
    for s in streams:  # created idempotently at start by whoever comes first
        api += [f"$JS.API.STREAM.INFO.{s}", f"$JS.API.STREAM.CREATE.{s}", f"$JS.API.STREAM.UPDATE.{s}"]
    for s in read:  # durable pull consumers on the streams it consumes, their fetches and acks
        api += [f"$JS.API.CONSUMER.CREATE.{s}.>", f"$JS.API.CONSUMER.DURABLE.CREATE.{s}.*",
                f"$JS.API.CONSUMER.INFO.{s}.*", f"$JS.API.CONSUMER.MSG.NEXT.{s}.*", f"$JS.ACK.{s}.>"]
    return {
        "publish": {"allow": [f"sup.{service}.>", "dlq.*.>", *api]},
        "subscribe": {"allow": [f"{inbox_prefix(service)}.>"]},
    }


def password_file(directory: Path, user: str) -> Path:
    return Path(directory) / f"{user}.password"


def ensure_passwords(directory: Path, users: Iterable[str]) -> dict[str, str]:
    """Each user's password, made on first start and kept (mode 0600)."""
    return {u: load_or_create(password_file(directory, u), random_secret(24)).decode().strip() for u in users}


def rotate_password(directory: Path, user: str) -> None:
    write_private(password_file(directory, user), random_secret(24)())


def authorization_block(passwords: Mapping[str, str], consumes: Mapping[str, Iterable[str]] = CONSUMES) -> str:
    """nats-server's `authorization { users = [...] }` for these users (JSON is valid NATS config)."""
    users = []
    for user, password in sorted(passwords.items()):
        entry: dict = {"user": user, "password": password}
        if user != OPERATOR:
            entry["permissions"] = permissions(user, consumes.get(user, ()))
        users.append(entry)
    return "authorization " + json.dumps({"users": users}, indent=2) + "\n"


def write_server_auth(directory: Path, services: Iterable[str]) -> Path:
    """Passwords for every service and the operator, and the server's auth file from them."""
    passwords = ensure_passwords(directory, [*services, OPERATOR])
    path = Path(directory) / AUTH_FILE
    write_private(path, authorization_block(passwords).encode())
    return path


def connect_options(user: str | None, password: str | None, password_file_path: Path | None) -> dict:
    """nats.connect() keyword arguments for a service's own credentials (none: anonymous)."""
    if not user:
        return {}
    if password is None and password_file_path is not None:
        password = Path(password_file_path).read_text().strip()
    return {"user": user, "password": password, "inbox_prefix": inbox_prefix(user)}
