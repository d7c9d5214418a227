"""Secrets at rest: key files readable by their owner only (0600), or the environment.

A key lives in a file the service alone reads, never in a database table (a database dump or
a read replica must not carry the means to sign or to re-identify). A file that does not
exist yet is created once, atomically, so two processes starting together agree on one key.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Callable
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
