"""Wait for something another party makes true (a reply reaching the test channel, a request
held at a gate, a process's log line), with a limit, so a hang fails saying what was awaited.

Polling, not an event: what is awaited happens in a server or another process the test only
observes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable


async def until(check: Callable[[], object], *, within: float, what: str) -> None:
    """Return once `check()` is true; fail with `what` after `within` seconds."""
    try:
        async with asyncio.timeout(within):
            while not check():  # noqa: ASYNC110 - see the module docstring
                await asyncio.sleep(0.02)
    except TimeoutError:
        raise AssertionError(f"waited {within} s: {what}") from None
