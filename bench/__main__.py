"""`python -m bench NAME [args]` runs one benchmark; `python -m bench` lists them."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def available() -> list[str]:
    here = Path(__file__).parent
    return sorted(m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_") and m.name != "common" and not m.name.endswith("_data"))


def main() -> None:
    names = available()
    if len(sys.argv) < 2 or sys.argv[1] not in names:
        print("usage: python -m bench NAME [args]\n\nbenchmarks:\n  " + "\n  ".join(names))
        sys.exit(0 if len(sys.argv) < 2 else 2)
    module = importlib.import_module(f"bench.{sys.argv[1]}")
    module.main(sys.argv[2:])


if __name__ == "__main__":
    main()
