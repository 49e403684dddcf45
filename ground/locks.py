"""One `asyncio.Lock` per key, for "one at a time per conversation / per email" rules.

A plain `dict[key, Lock]` would grow with every conversation or email ever seen; here a key's
lock is dropped as soon as nobody holds it or waits for it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class KeyedLocks:
    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}  # key -> (lock, holders+waiters)

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        """Run the body while holding `key`'s lock; other holders of the same key wait."""
        lock, users = self._locks.get(key) or (asyncio.Lock(), 0)
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)
