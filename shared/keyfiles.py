"""Secrets at rest: key files readable by their owner only (0600), or the environment.

A key lives in a file the service alone reads, never in a database table (a database dump or
a read replica must not carry the means to sign or to re-identify). A file that does not
exist yet is created once, atomically, so two processes starting together agree on one key.
"""

from __future__ import annotations

import json
import os
import secrets
import stat
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path


class KeyFileError(RuntimeError):
    pass


def write_private(path: Path, data: bytes, *, replace: bool = True) -> bool:
    """Write `data` readable by the owner only; with replace=False keep a file already there.
    Returns whether this call wrote the file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    if replace:
        os.replace(tmp, path)
        return True
    try:
        os.link(tmp, path)  # fails if another process made it first: theirs stands
        return True
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)


def read_private(path: Path) -> bytes:
    """The file's bytes; refused when group or others may read it."""
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError(f"{path} is readable by others (mode {stat.S_IMODE(mode):o}); chmod 600 it")
    return path.read_bytes()


def load_or_create(path: Path, make: Callable[[], bytes], *, env_value: str | None = None) -> bytes:
    """The key from the environment when given, else from `path`, created with `make()` if missing."""
    if env_value:
        return env_value.encode()
    if not path.exists():
        write_private(path, make(), replace=False)
    return read_private(path)


def random_secret(nbytes: int = 32) -> Callable[[], bytes]:
    return lambda: secrets.token_urlsafe(nbytes).encode()


@dataclass(frozen=True)
class RingKey:
    kid: str
    public_pem: str
    created_at: str
    retired_at: str | None = None


class KeyRing:
    """Signing keys in a folder: `<kid>.pem` (private, 0600) and `ring.json` (which one signs, and
    every public key ever used, so what an old key signed stays verifiable after a rotation).

    `make()` returns (kid, private PEM, public PEM) of a fresh key."""

    STATE = "ring.json"

    def __init__(self, directory: Path, make: Callable[[], tuple[str, bytes, str]]) -> None:
        self.directory = Path(directory)
        self.make = make

    def _state(self) -> dict | None:
        path = self.directory / self.STATE
        return json.loads(path.read_text()) if path.exists() else None

    def _write_state(self, state: dict, *, replace: bool) -> bool:
        return write_private(self.directory / self.STATE, json.dumps(state, indent=2).encode(), replace=replace)

    def _new_key(self) -> RingKey:
        kid, private_pem, public_pem = self.make()
        write_private(self.directory / f"{kid}.pem", private_pem)
        return RingKey(kid, public_pem, datetime.now(UTC).isoformat())

    def active(self) -> tuple[RingKey, bytes]:
        """The signing key (made on first use; of two processes starting together, one key wins)."""
        state = self._state()
        if state is None:
            key = self._new_key()
            if not self._write_state({"active": key.kid, "keys": [asdict(key)]}, replace=False):
                (self.directory / f"{key.kid}.pem").unlink(missing_ok=True)
            state = self._state()
        assert state is not None
        key = next(RingKey(**k) for k in state["keys"] if k["kid"] == state["active"])
        return key, read_private(self.directory / f"{key.kid}.pem")

    def public_keys(self) -> list[RingKey]:
        self.active()
        return [RingKey(**k) for k in (self._state() or {"keys": []})["keys"]]

    def rotate(self) -> RingKey:
        """A new key signs from now on; the old ones stay listed (public part) for verification."""
        self.active()
        state = self._state() or {}
        now = datetime.now(UTC).isoformat()
        new = self._new_key()
        keys = [{**k, "retired_at": k.get("retired_at") or now} for k in state["keys"]] + [asdict(new)]
        self._write_state({"active": new.kid, "keys": keys}, replace=True)
        return new

    def adopt(self, kid: str, private_pem: bytes, public_pem: str, created_at: str) -> None:
        """Take over a key kept elsewhere before (e.g. in a database table) as the active one."""
        state = self._state() or {"keys": []}
        if any(k["kid"] == kid for k in state["keys"]):
            return
        write_private(self.directory / f"{kid}.pem", private_pem)
        now = datetime.now(UTC).isoformat()
        keys = [{**k, "retired_at": k.get("retired_at") or now} for k in state["keys"]]
        self._write_state({"active": kid, "keys": [*keys, asdict(RingKey(kid, public_pem, created_at))]},
                          replace=True)
