"""Rate limits shared by every instance: token buckets kept in PostgreSQL (`SharedRates`).

Why in the store: with several instances behind a balancer, limits counted in each process let
a client through once per instance (two instances allowed 40 tokens and 20 conversations a
minute where 20 and 10 were set). A bucket is one row (`level` at time `at`, wall-clock
seconds: every instance's clock counts, not one process's monotonic one); a take locks the rows
of every bucket it needs, in key order (no deadlock between two takes), and takes one from each
only if each has one, so a refused request takes nothing, as in the in-process buckets
(webchat/limits.py). A bucket untouched for two minutes is full again, so its row is deleted
(at most once a minute per instance): the table holds the clients of the last minutes only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

RATE_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS rate_buckets ("
    "key TEXT PRIMARY KEY, level DOUBLE PRECISION NOT NULL, at DOUBLE PRECISION NOT NULL)"
)
FORGET_AFTER_SECONDS = 120.0


class PostgresRates:
    def __init__(self, pool: AsyncConnectionPool[AsyncConnection[Any]]) -> None:
        self._pool = pool
        self._swept_at = float("-inf")

    async def take(self, buckets: Sequence[tuple[str, int]], *, now: float) -> list[float]:
        """`buckets`: (key, per minute). Takes one from each if every one has one; the wait
        in seconds of each (all 0: taken)."""
        wanted = dict(sorted(dict(buckets).items()))
        async with self._pool.connection() as conn, conn.transaction():
            for key, per_minute in wanted.items():
                await conn.execute(
                    "INSERT INTO rate_buckets(key, level, at) VALUES (%s, %s, %s) "
                    "ON CONFLICT(key) DO NOTHING",
                    (key, float(max(per_minute, 0)), now),
                )
            cur = await conn.execute(
                "SELECT key, level, at FROM rate_buckets WHERE key = ANY(%s) ORDER BY key "
                "FOR UPDATE",
                (list(wanted),),
            )
            levels = {
                key: _level(level, at, now, wanted[key]) for key, level, at in await cur.fetchall()
            }
            waits = [_wait(levels[key], per_minute) for key, per_minute in buckets]
            if not any(waits):
                for key in wanted:
                    await conn.execute(
                        "UPDATE rate_buckets SET level = %s, at = %s WHERE key = %s",
                        (levels[key] - 1.0, now, key),
                    )
            if now - self._swept_at > 60.0:
                self._swept_at = now
                await conn.execute(
                    "DELETE FROM rate_buckets WHERE at < %s", (now - FORGET_AFTER_SECONDS,)
                )
        return waits


def _level(level: float, at: float, now: float, per_minute: int) -> float:
    refill = max(0.0, now - at) * per_minute / 60.0
    return min(float(per_minute), level + refill)


def _wait(level: float, per_minute: int) -> float:
    if per_minute <= 0:
        return 60.0
    return 0.0 if level >= 1.0 else (1.0 - level) * 60.0 / per_minute
