"""Drop the test databases of a finished run, in the background (each DROP waits for a checkpoint)."""

from __future__ import annotations

import asyncio
import sys


async def main(names: list[str]) -> None:
    from tests.support import _pg_admin

    for name in names:
        try:
            await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except Exception:
            pass


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
