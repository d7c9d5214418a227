"""Keyed pseudonyms of natural persons for events.

An event that must let consumers tell two persons apart carries HMAC-SHA256(key, ID number)
instead of the number (PIPL art. 73(3): data that cannot identify a person without extra
information kept apart). The key is per deployment: SUP_PSEUDONYM_KEY, or the key file named
by SUP_PSEUDONYM_KEY_FILE (default .data/keys/pseudonym.key, made on first use, mode 0600).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from functools import lru_cache
from pathlib import Path

from shared.keyfiles import load_or_create, random_secret

PREFIX = "pn:"


@lru_cache(maxsize=4)
def _key(env_value: str | None, path: str) -> bytes:
    return load_or_create(Path(path), random_secret(), env_value=env_value)


def pseudonym_key() -> bytes:
    return _key(os.environ.get("SUP_PSEUDONYM_KEY"),
                os.environ.get("SUP_PSEUDONYM_KEY_FILE", ".data/keys/pseudonym.key"))


def pseudonym(identifier: str) -> str:
    """The same person gives the same pseudonym within one deployment; it never gives back the number."""
    normal = identifier.strip().upper()
    return PREFIX + hmac.new(pseudonym_key(), normal.encode(), hashlib.sha256).hexdigest()[:32]
