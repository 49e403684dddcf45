"""The store on PostgreSQL (`DATABASE_URL`): for several instances behind a load balancer.

psycopg 3, async, with two connection pools. Turns of one conversation are serialized across
instances with a session advisory lock (`pg_advisory_lock`), held on a connection of its own
for the whole turn: PostgreSQL drops it the moment that connection dies, so an instance killed
mid-turn never leaves a conversation locked. Those connections come from their own pool, so
turns waiting for a lock can never take every connection the turns holding one still need.

The Direct Line channel's conversations and activities live here too, and every append is a
`NOTIFY` on one channel: each instance keeps one connection that LISTENs and hands what it hears
to its listeners, so a reply produced on instance B reaches the WebSocket instance A holds. When
that connection drops (PostgreSQL restarted, a network blip) it reconnects and tells its
listeners to catch up on everything ("*"), since notifications sent meanwhile are gone.

The schema is created at start by whichever instance gets there first: every instance runs the
same `CREATE ... IF NOT EXISTS` under one transaction-level advisory lock.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
import uuid
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from store.base import (
    AUDIT_ADDED,
    PROCESSED_TTL_SECONDS,
    AuditEntry,
    ChannelConversation,
    ChannelFull,
    ChannelListener,
    Claim,
    Doc,
    InboxItem,
    LocalListeners,
    audit_entry,
    audit_insert,
    audit_select,
    audit_values,
    channel_activity_id,
    check_etag,
    claim_from_row,
    since_result,
)

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "directline_channel"
MAX_NOTIFY_BYTES = 7900  # PostgreSQL refuses payloads of 8000 bytes or more

_SCHEMA_LOCK = 0x5C0A_57A7  # any constant: the advisory lock that serializes migrations
_CHANNEL_START_LOCK = 0x5C0A_57A8  # and the one that serializes new channel conversations
SCHEMA = [
    "CREATE TABLE IF NOT EXISTS bot_state (key TEXT PRIMARY KEY, etag TEXT NOT NULL, "
    "data TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS processed_activities (key TEXT PRIMARY KEY, "
    "at DOUBLE PRECISION NOT NULL)",
    "CREATE TABLE IF NOT EXISTS write_claims (key TEXT PRIMARY KEY, state TEXT NOT NULL, "
    "by_whom TEXT NOT NULL, at DOUBLE PRECISION NOT NULL, result TEXT)",
    "CREATE TABLE IF NOT EXISTS audit_log (id BIGSERIAL PRIMARY KEY, "
    "at DOUBLE PRECISION NOT NULL, actor_id TEXT NOT NULL, actor_name TEXT NOT NULL, "
    "channel TEXT NOT NULL, conversation TEXT NOT NULL, action TEXT NOT NULL, "
    "contact_id TEXT NOT NULL, properties TEXT NOT NULL"
    + "".join(f", {name} {kind}" for name, kind in AUDIT_ADDED)
    + ")",
    "CREATE INDEX IF NOT EXISTS processed_activities_at ON processed_activities (at)",
    "CREATE TABLE IF NOT EXISTS inbox (key TEXT PRIMARY KEY, record TEXT NOT NULL, "
    "owner TEXT NOT NULL, lease_until DOUBLE PRECISION NOT NULL, "
    "attempts INTEGER NOT NULL DEFAULT 1, accepted DOUBLE PRECISION NOT NULL)",
    "CREATE TABLE IF NOT EXISTS shared_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS channel_conversations (id TEXT PRIMARY KEY, "
    "user_id TEXT NOT NULL, locale TEXT, seq BIGINT NOT NULL DEFAULT 0, "
    "last_active DOUBLE PRECISION NOT NULL)",
    "CREATE INDEX IF NOT EXISTS channel_conversations_active "
    "ON channel_conversations (last_active)",
    "CREATE TABLE IF NOT EXISTS channel_activities (conversation TEXT NOT NULL, "
    "seq BIGINT NOT NULL, activity TEXT NOT NULL, PRIMARY KEY (conversation, seq))",
]


AUDIT_INSERT = audit_insert("%s")
# An audit_log made by an older version gains the columns added since (run after SCHEMA, under
# the same schema lock).
AUDIT_MIGRATION = [
    f"ALTER TABLE audit_log ADD COLUMN IF NOT EXISTS {name} {kind}" for name, kind in AUDIT_ADDED
] + ["CREATE INDEX IF NOT EXISTS audit_log_contact ON audit_log (contact_id)"]


class PostgresStore:
    def __init__(
        self,
        url: str,
        *,
        clock: Callable[[], float] = time.time,
        max_connections: int = 10,
        max_turn_locks: int = 50,
    ) -> None:
        self._clock = clock
        self._url = url
        self._listeners = LocalListeners()
        self._listening: asyncio.Task[None] | None = None
        self._pool = AsyncConnectionPool(url, min_size=1, max_size=max_connections, open=False)
        self._locks = AsyncConnectionPool(url, min_size=0, max_size=max_turn_locks, open=False)

    async def open(self) -> None:
        await self._pool.open(wait=True)
        await self._locks.open()
        async with self._pool.connection() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
            for statement in SCHEMA + AUDIT_MIGRATION:
                await conn.execute(statement)
        ready = asyncio.get_running_loop().create_future()
        self._listening = asyncio.create_task(self._listen(ready))
        await ready  # from here on, no notification is missed

    async def close(self) -> None:
        if self._listening is not None:
            self._listening.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listening
            self._listening = None
        await self._locks.close()
        await self._pool.close()

    async def _listen(self, ready: asyncio.Future[None]) -> None:
        delay = 0.2
        while True:
            try:
                async with await AsyncConnection.connect(self._url, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    if ready.done():
                        self._listeners.emit("*", {})  # back after a gap: catch up on all
                    else:
                        ready.set_result(None)
                    delay = 0.2
                    async for note in conn.notifies():
                        self._heard(note.payload)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database went away: listen again when it is back
                if not ready.done():
                    ready.set_exception(exc)
                    return
                log.warning("channel notifications lost (%s); reconnecting", type(exc).__name__)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    def _heard(self, payload: str) -> None:
        try:
            note = json.loads(payload)
            conversation_id, message = str(note["c"]), dict(note["m"])
        except (ValueError, KeyError, TypeError):
            return
        self._listeners.emit(conversation_id, message)

    def _conn(self) -> AbstractAsyncContextManager[AsyncConnection[Any]]:
        return self._pool.connection()

    # -- documents ----------------------------------------------------------------------------
    async def read(self, keys: list[str]) -> dict[str, Doc]:
        if not keys:
            return {}
        async with self._conn() as conn:
            cur = await conn.execute(
                "SELECT key, etag, data FROM bot_state WHERE key = ANY(%s)", (list(keys),)
            )
            rows = await cur.fetchall()
        return {key: Doc(etag, json.loads(data)) for key, etag, data in rows}

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
                    (key, etags[key], json.dumps(data, ensure_ascii=False)),
                )
        return etags

    async def delete(self, keys: list[str]) -> None:
        if keys:
            async with self._conn() as conn:
                await conn.execute("DELETE FROM bot_state WHERE key = ANY(%s)", (list(keys),))

    # -- turns --------------------------------------------------------------------------------
    def turn(self, key: str) -> AbstractAsyncContextManager[None]:
        return self._turn(key)

    @asynccontextmanager
    async def _turn(self, key: str) -> AsyncIterator[None]:
        async with self._locks.connection() as conn:
            await conn.set_autocommit(True)
            try:
                await conn.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", (key,))
            except BaseException:
                # Cancelled while waiting: the lock may have been granted just then. Closing
                # the connection is the one way to be sure it is not kept by a pooled session.
                await conn.close()
                raise
            try:
                yield
            finally:
                try:
                    await conn.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", (key,))
                except BaseException:
                    await conn.close()  # a lock we could not release must not go back
                    raise

    # -- processed activities -----------------------------------------------------------------
    async def processed(self, key: str) -> bool:
        since = self._clock() - PROCESSED_TTL_SECONDS
        async with self._conn() as conn:
            cur = await conn.execute(
                "SELECT 1 FROM processed_activities WHERE key = %s AND at > %s", (key, since)
            )
            return await cur.fetchone() is not None

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
    async def inbox_accept(
        self, key: str, record: dict[str, Any], *, owner: str, lease_seconds: float
    ) -> bool:
        now = self._clock()
        async with self._conn() as conn:
            cur = await conn.execute(
                "INSERT INTO inbox(key, record, owner, lease_until, accepted) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT(key) DO NOTHING RETURNING key",
                (key, json.dumps(record, ensure_ascii=False), owner, now + lease_seconds, now),
            )
            return await cur.fetchone() is not None

    async def inbox_renew(self, keys: Sequence[str], *, owner: str, lease_seconds: float) -> None:
        if not keys:
            return
        async with self._conn() as conn:
            await conn.execute(
                "UPDATE inbox SET lease_until = %s WHERE key = ANY(%s) AND owner = %s",
                (self._clock() + lease_seconds, list(keys), owner),
            )

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

    async def inbox_done(self, key: str) -> None:
        async with self._conn() as conn:
            await conn.execute("DELETE FROM inbox WHERE key = %s", (key,))

    # -- claims -------------------------------------------------------------------------------
    async def claim(self, key: str, *, by: str) -> Claim:
        async with self._conn() as conn:
            cur = await conn.execute(
                "INSERT INTO write_claims(key, state, by_whom, at) VALUES (%s, 'claimed', %s, %s) "
                "ON CONFLICT(key) DO NOTHING RETURNING key",
                (key, by, self._clock()),
            )
            taken = await cur.fetchone() is not None
            cur = await conn.execute(
                "SELECT state, by_whom, at, result FROM write_claims WHERE key = %s", (key,)
            )
            row = await cur.fetchone()
        assert row is not None  # claims are never deleted while someone may hold them
        return claim_from_row(key, row, taken)

    async def lookup_claim(self, key: str) -> Claim | None:
        async with self._conn() as conn:
            cur = await conn.execute(
                "SELECT state, by_whom, at, result FROM write_claims WHERE key = %s", (key,)
            )
            row = await cur.fetchone()
        return None if row is None else claim_from_row(key, row, False)

    async def finish(
        self, key: str, result: dict[str, Any], *, audit: AuditEntry | None = None
    ) -> None:
        async with self._conn() as conn, conn.transaction():
            await conn.execute(
                "UPDATE write_claims SET state = 'done', result = %s WHERE key = %s",
                (json.dumps(result, ensure_ascii=False), key),
            )
            if audit is not None:
                await conn.execute(AUDIT_INSERT, audit_values(audit))

    async def release(self, key: str) -> None:
        async with self._conn() as conn:
            await conn.execute("DELETE FROM write_claims WHERE key = %s", (key,))

    # -- audit --------------------------------------------------------------------------------
    async def record(self, entry: AuditEntry) -> None:
        async with self._conn() as conn:
            await conn.execute(AUDIT_INSERT, audit_values(entry))

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

    # -- the Direct Line channel ----------------------------------------------------------------
    async def channel_start(
        self, conversation: ChannelConversation, *, keep: int, active_seconds: float
    ) -> bool:
        now = self._clock()
        async with self._conn() as conn, conn.transaction():
            # One start at a time across instances, so two cannot both take the last place.
            await conn.execute("SELECT pg_advisory_xact_lock(%s)", (_CHANNEL_START_LOCK,))
            cur = await conn.execute(
                "SELECT 1 FROM channel_conversations WHERE id = %s", (conversation.id,)
            )
            if await cur.fetchone() is not None:
                return False
            cur = await conn.execute("SELECT count(*) FROM channel_conversations")
            row = await cur.fetchone()
            excess = (int(row[0]) if row else 0) + 1 - keep
            gone: list[str] = []
            if excess > 0:
                cur = await conn.execute(
                    "WITH gone AS (DELETE FROM channel_conversations WHERE id IN ("
                    "SELECT id FROM channel_conversations WHERE last_active <= %s "
                    "ORDER BY last_active LIMIT %s) RETURNING id), "
                    "activities AS (DELETE FROM channel_activities "
                    "WHERE conversation IN (SELECT id FROM gone)) "
                    "SELECT id FROM gone",
                    (now - active_seconds, excess),
                )
                gone = [str(r[0]) for r in await cur.fetchall()]
                for conversation_id in gone:  # sent at commit
                    await self._notify(conn, conversation_id, {"ended": True})
            full = len(gone) < excess
            if not full:
                await conn.execute(
                    "INSERT INTO channel_conversations(id, user_id, locale, seq, last_active) "
                    "VALUES (%s, %s, %s, 0, %s)",
                    (conversation.id, conversation.user_id, conversation.locale, now),
                )
        if full:
            raise ChannelFull(f"all {keep} conversations are active")
        return True

    async def channel_get(self, conversation_id: str) -> ChannelConversation | None:
        async with self._conn() as conn:
            cur = await conn.execute(
                "SELECT user_id, locale, seq FROM channel_conversations WHERE id = %s",
                (conversation_id,),
            )
            row = await cur.fetchone()
        if row is None:
            return None
        return ChannelConversation(conversation_id, row[0], row[1], int(row[2]))

    async def channel_append(
        self, conversation_id: str, activity: dict[str, Any], *, keep_id: bool, history: int
    ) -> str | None:
        activity = dict(activity)
        async with self._conn() as conn, conn.transaction():
            cur = await conn.execute(
                "UPDATE channel_conversations SET seq = seq + 1, last_active = %s "
                "WHERE id = %s RETURNING seq",
                (self._clock(), conversation_id),
            )
            row = await cur.fetchone()
            if row is None:
                return None
            seq = int(row[0])
            if not keep_id or not activity.get("id"):
                activity["id"] = channel_activity_id(conversation_id, seq)
            await conn.execute(
                "INSERT INTO channel_activities(conversation, seq, activity) VALUES (%s, %s, %s)",
                (conversation_id, seq, json.dumps(activity, ensure_ascii=False)),
            )
            await conn.execute(
                "DELETE FROM channel_activities WHERE conversation = %s AND seq <= %s",
                (conversation_id, seq - history),
            )
            await self._notify(conn, conversation_id, {"seq": seq})  # sent at commit
        return str(activity["id"])

    async def channel_since(
        self, conversation_id: str, after: int | None, limit: int
    ) -> tuple[list[dict[str, Any]], int]:
        async with self._conn() as conn:
            cur = await conn.execute(
                "SELECT seq, activity FROM channel_activities WHERE conversation = %s "
                "AND seq > %s ORDER BY seq LIMIT %s",
                (conversation_id, -1 if after is None else after, limit),
            )
            rows = await cur.fetchall()
            newest = 0
            if not rows and after is None:
                cur = await conn.execute(
                    "SELECT seq FROM channel_conversations WHERE id = %s", (conversation_id,)
                )
                found = await cur.fetchone()
                newest = int(found[0]) if found else 0
        return since_result([(int(q), json.loads(a)) for q, a in rows], after, newest)

    async def channel_signal(self, conversation_id: str, message: dict[str, Any]) -> None:
        async with self._conn() as conn:
            await self._notify(conn, conversation_id, message)

    @staticmethod
    async def _notify(
        conn: AsyncConnection[Any], conversation_id: str, message: dict[str, Any]
    ) -> None:
        payload = json.dumps({"c": conversation_id, "m": message}, ensure_ascii=False)
        if len(payload.encode("utf-8")) <= MAX_NOTIFY_BYTES:
            await conn.execute("SELECT pg_notify(%s, %s)", (NOTIFY_CHANNEL, payload))

    def channel_listen(self, listener: ChannelListener) -> None:
        self._listeners.add(listener)

    # -- secrets ------------------------------------------------------------------------------
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
