"""The store on PostgreSQL (`DATABASE_URL`): for several instances behind a load balancer.

psycopg 3, async, with two connection pools. Turns of one conversation are serialized across
instances with a session advisory lock on a connection of its own (`store/postgres_locks.py`).

A PostgreSQL blip (a restart, a cut connection) is ridden out: pooled connections are checked
before use and replaced when dead, operations safe to repeat are retried for a bounded time,
and any other failure to reach the server is a `StoreUnavailable` (store/retry.py says which
is which). At start the store waits for the server, with a logged back-off.

The Direct Line channel's conversations and activities live here too, on the main pool, and
every instance hears every append (`store/postgres_channel.py`: LISTEN/NOTIFY).

The schema is created at start by whichever instance gets there first: every instance runs the
same `CREATE ... IF NOT EXISTS` under one transaction-level advisory lock.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from psycopg import AsyncConnection, OperationalError
from psycopg_pool import AsyncConnectionPool

from ground.json_input import storable_json
from store import postgres_attempts as attempts
from store.base import (
    PROCESSED_TTL_SECONDS,
    AuditEntry,
    ChannelConversation,
    ChannelListener,
    Claim,
    Doc,
    InboxItem,
    check_etag,
)
from store.postgres_channel import PostgresChannel
from store.postgres_locks import TurnLocks
from store.postgres_rates import RATE_SCHEMA, PostgresRates
from store.retry import Retry, idempotent, once
from store.sql import (
    AUDIT_ADDED,
    AUDIT_CLAIM_INDEX,
    AUDIT_CONTACT_INDEX,
    POSTGRES,
    audit_entry,
    audit_insert,
    audit_select,
    audit_values,
    lease_drop,
    lease_take,
    schema,
)

log = logging.getLogger(__name__)

SCHEMA_LOCK = 0x5C0A_57A7  # any constant: the advisory lock that serializes migrations
AUDIT_INSERT = audit_insert("%s")
LEASE_TAKE = lease_take("%s")
# An audit_log made by an older version gains the columns added since (run after the schema,
# under the same schema lock).
AUDIT_MIGRATION = [
    f"ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS {name} {kind}" for name, kind in AUDIT_ADDED
] + [AUDIT_CONTACT_INDEX, AUDIT_CLAIM_INDEX]


class PostgresStore:
    def __init__(
        self,
        url: str,
        *,
        clock: Callable[[], float] = time.time,
        max_connections: int = 10,
        max_turn_locks: int = 50,
        connect_seconds: float = 3.0,
        retry_seconds: float = 5.0,
    ) -> None:
        """`connect_seconds`: how long a request waits for a connection (and a connection
        attempt for the server); `retry_seconds`: how long an operation that is safe to
        repeat is tried again after a connection error (store/retry.py)."""
        self._url = url
        self._clock = clock
        # Every connection is checked before it is handed out and replaced when dead (after a
        # restart every pooled one is), and a request waits at most `connect_seconds` for one.
        pools: dict[str, Any] = {
            "open": False,
            "check": AsyncConnectionPool.check_connection,
            "kwargs": {"connect_timeout": max(1, int(connect_seconds))},
        }
        self._pool = AsyncConnectionPool(
            url, min_size=1, max_size=max_connections, timeout=connect_seconds, **pools
        )
        self._locks = AsyncConnectionPool(url, min_size=0, max_size=max_turn_locks, **pools)
        self._channel = PostgresChannel(self._pool, url, clock)
        self.retry = Retry((OperationalError,), within=retry_seconds)
        self._turn_locks = TurnLocks(self._locks, self.retry)
        self._rates = PostgresRates(self._pool)
        self._connect_seconds = connect_seconds

    async def open(self) -> None:
        """Wait for PostgreSQL (with a logged back-off: an app started before its database
        waits, rather than exiting), then create or migrate the schema."""
        await self._wait_for_server()
        await self._pool.open(wait=True)
        await self._locks.open()
        async with self._pool.connection() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK,))
            for statement in [*schema(POSTGRES), *AUDIT_MIGRATION, RATE_SCHEMA]:
                await conn.execute(statement)
        await self._channel.open()

    async def _wait_for_server(self) -> None:
        wait, waited = 0.25, 0.0
        while True:
            try:
                conn = await AsyncConnection.connect(
                    self._url, connect_timeout=max(1, int(self._connect_seconds))
                )
            except OperationalError as exc:
                log.warning(
                    "PostgreSQL is not reachable (%s); trying again in %.1f s (waited %.0f s)",
                    type(exc).__name__,
                    wait,
                    waited,
                )
                await asyncio.sleep(wait)
                waited += wait
                wait = min(wait * 2, 5.0)
                continue
            await conn.close()
            if waited:
                log.info("PostgreSQL is reachable after %.0f s", waited)
            return

    async def close(self) -> None:
        await self._channel.close()
        await self._locks.close()
        await self._pool.close()

    async def reachable(self) -> bool:
        try:
            async with self._pool.connection(timeout=min(1.0, self._connect_seconds)) as conn:
                await conn.execute("SELECT 1")
        except OperationalError:
            return False
        return True

    def _conn(self) -> AbstractAsyncContextManager[AsyncConnection[Any]]:
        return self._pool.connection()

    # -- documents ----------------------------------------------------------------------------
    @idempotent
    async def read(self, keys: list[str]) -> dict[str, Doc]:
        if not keys:
            return {}
        async with self._conn() as conn:
            cur = await conn.execute(
                "SELECT key, etag, data FROM bot_state WHERE key = ANY(%s)", (list(keys),)
            )
            rows = await cur.fetchall()
        return {key: Doc(etag, json.loads(data)) for key, etag, data in rows}

    @once
    async def write(self, items: Mapping[str, tuple[str | None, dict[str, Any]]]) -> dict[str, str]:
        etags: dict[str, str] = {}
        if not items:
            return etags
        async with self._conn() as conn, conn.transaction():
            for key, (wanted, data) in items.items():
                cur = await conn.execute(
                    "SELECT etag FROM bot_state WHERE key = %s FOR UPDATE", (key,)
                )
                row = await cur.fetchone()
                check_etag(key, wanted, row[0] if row else None)
                etags[key] = uuid.uuid4().hex
                await conn.execute(
                    "INSERT INTO bot_state(key, etag, data) VALUES (%s, %s, %s) ON CONFLICT(key) "
                    "DO UPDATE SET etag = excluded.etag, data = excluded.data",
                    (key, etags[key], storable_json(data)),
                )
        return etags

    @idempotent
    async def delete(self, keys: list[str]) -> None:
        if keys:
            async with self._conn() as conn:
                await conn.execute("DELETE FROM bot_state WHERE key = ANY(%s)", (list(keys),))

    # -- turns --------------------------------------------------------------------------------
    def turn(self, key: str) -> AbstractAsyncContextManager[None]:
        return self._turn_locks.turn(key)

    # -- processed activities -----------------------------------------------------------------
    @idempotent
    async def processed(self, key: str) -> bool:
        since = self._clock() - PROCESSED_TTL_SECONDS
        async with self._conn() as conn:
            cur = await conn.execute(
                "SELECT 1 FROM processed_activities WHERE key = %s AND at > %s", (key, since)
            )
            return await cur.fetchone() is not None

    @idempotent
    async def mark_processed(self, key: str) -> None:
        now = self._clock()
        async with self._conn() as conn:
            await conn.execute(
                "INSERT INTO processed_activities(key, at) VALUES (%s, %s) "
                "ON CONFLICT(key) DO UPDATE SET at = excluded.at",
                (key, now),
            )
            await conn.execute(
                "DELETE FROM processed_activities WHERE at <= %s", (now - PROCESSED_TTL_SECONDS,)
            )

    # -- the inbox ----------------------------------------------------------------------------
    @once
    async def inbox_accept(
        self, key: str, record: dict[str, Any], *, owner: str, lease_seconds: float
    ) -> bool:
        now = self._clock()
        async with self._conn() as conn:
            cur = await conn.execute(
                "INSERT INTO inbox(key, record, owner, lease_until, accepted) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT(key) DO NOTHING RETURNING key",
                (key, storable_json(record), owner, now + lease_seconds, now),
            )
            return await cur.fetchone() is not None

    @idempotent
    async def inbox_renew(self, keys: Sequence[str], *, owner: str, lease_seconds: float) -> None:
        if not keys:
            return
        async with self._conn() as conn:
            await conn.execute(
                "UPDATE inbox SET lease_until = %s WHERE key = ANY(%s) AND owner = %s",
                (self._clock() + lease_seconds, list(keys), owner),
            )

    @once
    async def inbox_take(
        self, *, owner: str, lease_seconds: float, limit: int, orphaned: bool = False
    ) -> list[InboxItem]:
        now = self._clock()
        async with self._conn() as conn:
            cur = await conn.execute(
                "UPDATE inbox SET owner = %s, lease_until = %s, attempts = attempts + 1 "
                "WHERE key IN (SELECT key FROM inbox WHERE lease_until <= %s "
                "OR (%s AND owner <> %s) ORDER BY accepted LIMIT %s FOR UPDATE SKIP LOCKED) "
                "RETURNING key, record, attempts, accepted",
                (owner, now + lease_seconds, now, orphaned, owner, limit),
            )
            rows = await cur.fetchall()
        rows.sort(key=lambda row: row[3])
        return [InboxItem(key, json.loads(record), attempts) for key, record, attempts, _ in rows]

    @idempotent
    async def inbox_done(self, key: str) -> None:
        async with self._conn() as conn:
            await conn.execute("DELETE FROM inbox WHERE key = %s", (key,))

    # -- claims -------------------------------------------------------------------------------
    @once
    async def claim(self, key: str, *, by: str) -> Claim:
        async with self._conn() as conn:
            return await attempts.claim(conn, key, by, self._clock(), None)

    @idempotent
    async def lookup_claim(self, key: str) -> Claim | None:
        async with self._conn() as conn:
            return await attempts.lookup(conn, key)

    @once
    async def finish(
        self, key: str, result: dict[str, Any], *, audit: AuditEntry | None = None
    ) -> None:
        async with self._conn() as conn, conn.transaction():
            await attempts.finish(conn, key, storable_json(result), audit)

    @idempotent
    async def release(self, key: str, *, audit: AuditEntry | None = None) -> None:
        async with self._conn() as conn, conn.transaction():
            await attempts.release(conn, key, audit)

    @once
    async def claim_attempt(self, key: str, *, by: str, attempt: AuditEntry) -> Claim:
        async with self._conn() as conn, conn.transaction():
            return await attempts.claim(conn, key, by, self._clock(), attempt)

    @idempotent
    async def open_attempt(self, key: str) -> AuditEntry | None:
        async with self._conn() as conn:
            found = await attempts.open_attempt(conn, key)
        return None if found is None else found[1]

    @once
    async def resolve(self, key: str, entry: AuditEntry) -> None:
        async with self._conn() as conn, conn.transaction():
            await attempts.resolve(conn, key, entry)

    @idempotent
    async def open_attempts(
        self, *, before: float, since: float, limit: int
    ) -> list[tuple[Claim, AuditEntry]]:
        async with self._conn() as conn:
            return await attempts.open_claims(conn, before, since, limit)

    # -- leases (one create of a new email at a time; a repeat by its owner holds it again) ----
    @idempotent
    async def lease_take(self, key: str, *, owner: str, seconds: float) -> bool:
        now = self._clock()
        async with self._conn() as conn:
            cur = await conn.execute(LEASE_TAKE, (key, owner, now + seconds, now))
            return await cur.fetchone() is not None

    @idempotent
    async def lease_drop(self, key: str, *, owner: str) -> None:
        async with self._conn() as conn:
            await conn.execute(lease_drop("%s"), (key, owner))

    # -- audit --------------------------------------------------------------------------------
    @once
    async def record(self, entry: AuditEntry) -> None:
        async with self._conn() as conn:
            await conn.execute(AUDIT_INSERT, audit_values(entry))

    @idempotent
    async def audit_log(
        self,
        limit: int = 100,
        *,
        contacts: Sequence[str] = (),
        user: str | None = None,
        since: float | None = None,
    ) -> list[AuditEntry]:
        sql, params = audit_select("%s", limit, contacts=contacts, user=user, since=since)
        async with self._conn() as conn:
            cur = await conn.execute(sql, params)
            rows = await cur.fetchall()
        return [audit_entry(row) for row in rows]

    # -- the Direct Line channel (store/postgres_channel.py) ----------------------------------
    @once
    async def channel_start(
        self, conversation: ChannelConversation, *, keep: int, active_seconds: float
    ) -> bool:
        return await self._channel.start(conversation, keep=keep, active_seconds=active_seconds)

    @idempotent
    async def channel_get(self, conversation_id: str) -> ChannelConversation | None:
        return await self._channel.get(conversation_id)

    @once
    async def channel_append(
        self, conversation_id: str, activity: dict[str, Any], *, keep_id: bool, history: int
    ) -> str | None:
        return await self._channel.append(
            conversation_id, activity, keep_id=keep_id, history=history
        )

    @idempotent
    async def channel_since(
        self, conversation_id: str, after: int | None, limit: int
    ) -> tuple[list[dict[str, Any]], int]:
        return await self._channel.since(conversation_id, after, limit)

    @once
    async def channel_signal(self, conversation_id: str, message: dict[str, Any]) -> None:
        await self._channel.signal(conversation_id, message)

    def channel_listen(self, listener: ChannelListener) -> None:
        self._channel.listen(listener)

    # -- rate limits shared by the instances (store/postgres_rates.py) -------------------------
    @once
    async def rate_take(self, buckets: Sequence[tuple[str, int]], *, now: float) -> list[float]:
        return await self._rates.take(buckets, now=now)

    # -- secrets ------------------------------------------------------------------------------
    @idempotent
    async def secret(self, name: str) -> str:
        async with self._conn() as conn:
            await conn.execute(
                "INSERT INTO shared_secrets(name, value) VALUES (%s, %s) "
                "ON CONFLICT(name) DO NOTHING",
                (name, secrets.token_urlsafe(32)),
            )
            cur = await conn.execute("SELECT value FROM shared_secrets WHERE name = %s", (name,))
            row = await cur.fetchone()
        assert row is not None
        return str(row[0])
