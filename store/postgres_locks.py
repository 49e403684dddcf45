"""One turn at a time per conversation, across instances: PostgreSQL session advisory locks,
each held on a connection of its own for the whole turn (`PostgresStore.turn`).

Why a connection per lock, from a pool of their own: PostgreSQL drops a session's locks the
moment its connection dies, so an instance killed mid-turn never leaves a conversation locked;
and turns waiting for a lock can never take every connection the turns holding one still need.

Taking a lock is safe to repeat after a connection error (a connection that failed took its
lock with it), so it is retried (store/retry.py); releasing one on a connection that died is
nothing to do: the lock went with the session.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from psycopg import AsyncConnection, OperationalError
from psycopg_pool import AsyncConnectionPool

from store.retry import Retry


class TurnLocks:
    def __init__(self, pool: AsyncConnectionPool[AsyncConnection[Any]], retry: Retry) -> None:
        self._pool = pool
        self._retry = retry

    def turn(self, key: str) -> AbstractAsyncContextManager[None]:
        return self._turn(key)

    @asynccontextmanager
    async def _turn(self, key: str) -> AsyncIterator[None]:
        conn = await self._retry.repeat(lambda: self._lock(key))
        try:
            yield
        finally:
            try:
                await conn.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", (key,))
            except OperationalError:
                await conn.close()  # the session is gone, and the lock with it
            except BaseException:
                await conn.close()  # a lock we could not release must not go back
                raise
            finally:
                await self._pool.putconn(conn)

    async def _lock(self, key: str) -> AsyncConnection[Any]:
        conn: AsyncConnection[Any] = await self._pool.getconn()
        try:
            await conn.set_autocommit(True)
            await conn.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", (key,))
        except BaseException:
            # Cancelled while waiting: the lock may have been granted just then. Closing the
            # connection is the one way to be sure it is not kept by a pooled session.
            await conn.close()
            await self._pool.putconn(conn)
            raise
        return conn
