"""Which Chromium the browser tests drive, and how `make test` gets one on a fresh machine.

A system Chromium is preferred (CI installs the distribution's package: Playwright's own download
host is not reachable there); otherwise Playwright's managed build, which `python -m tests.browser`
downloads once when neither is present.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

SYSTEM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def system_chromium() -> str | None:
    wanted = os.environ.get("CHROMIUM")
    if wanted:
        return wanted
    return next((found for name in SYSTEM_NAMES if (found := shutil.which(name))), None)


def managed_chromium() -> str | None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        path = pw.chromium.executable_path
    return path if Path(path).exists() else None


def chromium_executable() -> str | None:
    """The executable to launch, or None for Playwright's managed build."""
    return system_chromium()


def ensure() -> int:
    if system_chromium() or managed_chromium():
        return 0
    print("tests: no Chromium found; downloading Playwright's (the browser tests need one)", file=sys.stderr)
    done = subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"], check=False)
    if done.returncode:
        print("tests: could not download Chromium; install your distribution's chromium package "
              "(or set CHROMIUM=/path/to/chrome) or the browser tests will fail", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(ensure())
