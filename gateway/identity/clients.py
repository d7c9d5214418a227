"""OAuth2 client registry: department systems and services that may ask for tokens.

Secrets are shown once at creation and stored only as argon2 hashes. Storage is swappable:
`ClientRegistry` talks to any object with `load() -> dict` and `save(dict)`;
`JsonFileClientStore` is the default (one JSON file, written atomically, mode 0600).
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from pwdlib import PasswordHash

from gateway.access.policy import KNOWN_ROLES
from shared.contracts.roles import separated_role_conflicts

CLIENT_KINDS = frozenset({"department", "service"})

# Default OAuth2 scopes by role (informational in the token; the policy decides routes).
DEFAULT_SCOPES_BY_ROLE: dict[str, tuple[str, ...]] = {
    "inspector": ("inspection:read", "inspection:write", "credit:read"),
    "case_officer": ("casework:read", "casework:write", "credit:read", "inspection:read"),
    "legal_reviewer": ("casework:read", "casework:review", "credit:read"),
    "credit_officer": ("credit:read", "credit:write"),
    "auditor": ("credit:read", "inspection:read", "casework:read", "disclosure:read"),
    "admin": ("inspection:admin", "disclosure:admin", "credit:read", "casework:read"),
    "head": ("casework:read", "casework:review", "credit:read"),
}


@dataclass(frozen=True)
class Client:
    client_id: str
    department: str
    roles: tuple[str, ...]
    kind: str
    scopes: tuple[str, ...]
    secret_hash: str = field(repr=False)
    created_at: str
    disabled: bool = False


class ClientStore(Protocol):
    def load(self) -> dict[str, Any]: ...

    def save(self, data: dict[str, Any]) -> None: ...


class JsonFileClientStore:
    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)

    def load(self) -> dict[str, Any]:
        if not self.path.exists():
            return {"clients": {}}
        return json.loads(self.path.read_text(encoding="utf-8"))

    def save(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(self.path.suffix + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2, ensure_ascii=False)
        os.replace(tmp, self.path)


class MemoryClientStore:
    """For tests and throwaway runs."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {"clients": {}}

    def load(self) -> dict[str, Any]:
        return json.loads(json.dumps(self.data))

    def save(self, data: dict[str, Any]) -> None:
        self.data = json.loads(json.dumps(data))


class ClientRegistry:
    def __init__(self, store: ClientStore, hasher: PasswordHash | None = None):
        self.store = store
        self.hasher = hasher or PasswordHash.recommended()
        # Verifying against this hash for unknown ids keeps the timing of a miss like a hit.
        self._dummy_hash = self.hasher.hash(secrets.token_urlsafe(16))
        self._clients: dict[str, Client] = {}
        self.reload()

    def reload(self) -> None:
        raw = self.store.load().get("clients", {})
        self._clients = {
            cid: Client(**{**c, "roles": tuple(c["roles"]), "scopes": tuple(c["scopes"])})
            for cid, c in raw.items()
        }

    def _save(self) -> None:
        self.store.save(
            {
                "clients": {
                    cid: {**asdict(c), "roles": list(c.roles), "scopes": list(c.scopes)}
                    for cid, c in self._clients.items()
                }
            }
        )

    def create_client(
        self,
        department: str,
        roles: list[str] | tuple[str, ...],
        kind: str = "department",
        scopes: list[str] | None = None,
        client_id: str | None = None,
    ) -> tuple[str, str]:
        """Register a client; returns (client_id, secret). The secret is not kept.

        `client_id` fixes the id (the demo clients); by default it is `<department>-<random>`.
        """
        if kind not in CLIENT_KINDS:
            raise ValueError(f"kind must be one of {sorted(CLIENT_KINDS)}")
        unknown = set(roles) - KNOWN_ROLES
        if unknown:
            raise ValueError(f"unknown roles: {sorted(unknown)}")
        if conflicts := separated_role_conflicts(roles):
            raise ValueError("; ".join(conflicts) + " — issue one credential per role instead")
        if not department or not department.replace("_", "").isalnum():
            raise ValueError("department must be a catalogue code")
        if client_id is None:
            client_id = f"{department}-{secrets.token_hex(6)}"
        elif client_id in self._clients:
            raise ValueError(f"client {client_id} exists")
        secret = secrets.token_urlsafe(32)
        if scopes is None:
            scopes = sorted({s for r in roles for s in DEFAULT_SCOPES_BY_ROLE.get(r, ())})
        self._clients[client_id] = Client(
            client_id=client_id,
            department=department,
            roles=tuple(sorted(set(roles))),
            kind=kind,
            scopes=tuple(scopes),
            secret_hash=self.hasher.hash(secret),
            created_at=datetime.now(UTC).isoformat(),
        )
        self._save()
        return client_id, secret

    def reset_secret(self, client_id: str) -> str:
        """A new secret for an existing client (returned once; the old one stops working)."""
        c = self._clients[client_id]
        secret = secrets.token_urlsafe(32)
        self._clients[client_id] = Client(**{**asdict(c), "secret_hash": self.hasher.hash(secret)})
        self._save()
        return secret

    def get(self, client_id: str) -> Client | None:
        return self._clients.get(client_id)

    def list(self) -> list[Client]:
        return sorted(self._clients.values(), key=lambda c: c.client_id)

    def disable(self, client_id: str) -> None:
        c = self._clients[client_id]
        self._clients[client_id] = Client(**{**asdict(c), "disabled": True})
        self._save()

    def verify(self, client_id: str, secret: str) -> Client | None:
        """The client when id and secret match and it is enabled; None otherwise."""
        c = self._clients.get(client_id)
        ok = self.hasher.verify(secret, c.secret_hash if c else self._dummy_hash)
        if c is None or not ok or c.disabled:
            return None
        return c
