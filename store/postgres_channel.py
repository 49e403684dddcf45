"""The Direct Line channel's conversations and activities on PostgreSQL, heard by every instance.

Every append is a `NOTIFY` on one channel: each instance keeps one connection that LISTENs and
hands what it hears to its listeners, so a reply produced on instance B reaches the WebSocket
instance A holds. When that connection drops (PostgreSQL restarted, a network blip) it
reconnects and tells its listeners to catch up on everything ("*"), since notifications sent
meanwhile are gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from typing import Any

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from ground.json_input import storable_json
from store.base import (
    ChannelConversation,
    ChannelFull,
    ChannelListener,
    LocalListeners,
    channel_activity_id,
    since_result,
)

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "directline_channel"
MAX_NOTIFY_BYTES = 7900  # PostgreSQL refuses payloads of 8000 bytes or more

# Any constant: the advisory lock that serializes new channel conversations across instances
# (the schema's is in store/postgres.py).
CHANNEL_START_LOCK = 0x5C0A_57A8


class PostgresChannel:
    """`Store`'s channel_* methods, for `PostgresStore` (their contracts are in `store.base`),
    on the store's pool; `open` starts listening, `close` stops."""

    def __init__(
        self, pool: AsyncConnectionPool[Any], url: str, clock: Callable[[], float]
    ) -> None:
        self._pool = pool
        self._url = url
        self._clock = clock
        self._listeners = LocalListeners()
        self._listening: asyncio.Task[None] | None = None

    async def open(self) -> None:
        ready = asyncio.get_running_loop().create_future()
        self._listening = asyncio.create_task(self._listen(ready))
        await ready  # from here on, no notification is missed

    async def close(self) -> None:
        if self._listening is not None:
            self._listening.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listening
            self._listening = None

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

    async def start(
        self, conversation: ChannelConversation, *, keep: int, active_seconds: float
    ) -> bool:
        now = self._clock()
        async with self._pool.connection() as conn, conn.transaction():
            # One start at a time across instances, so two cannot both take the last place.
            await conn.execute("SELECT pg_advisory_xact_lock(%s)", (CHANNEL_START_LOCK,))
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

    async def get(self, conversation_id: str) -> ChannelConversation | None:
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                "SELECT user_id, locale, seq FROM channel_conversations WHERE id = %s",
                (conversation_id,),
            )
            row = await cur.fetchone()
        if row is None:
            return None
        return ChannelConversation(conversation_id, row[0], row[1], int(row[2]))

    async def append(
        self, conversation_id: str, activity: dict[str, Any], *, keep_id: bool, history: int
    ) -> str | None:
        activity = dict(activity)
        async with self._pool.connection() as conn, conn.transaction():
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
                (conversation_id, seq, storable_json(activity)),
            )
            await conn.execute(
                "DELETE FROM channel_activities WHERE conversation = %s AND seq <= %s",
                (conversation_id, seq - history),
            )
            await self._notify(conn, conversation_id, {"seq": seq})  # sent at commit
        return str(activity["id"])

    async def since(
        self, conversation_id: str, after: int | None, limit: int
    ) -> tuple[list[dict[str, Any]], int]:
        async with self._pool.connection() as conn:
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

    async def signal(self, conversation_id: str, message: dict[str, Any]) -> None:
        async with self._pool.connection() as conn:
            await self._notify(conn, conversation_id, message)

    @staticmethod
    async def _notify(
        conn: AsyncConnection[Any], conversation_id: str, message: dict[str, Any]
    ) -> None:
        payload = storable_json({"c": conversation_id, "m": message})
        if len(payload.encode("utf-8")) <= MAX_NOTIFY_BYTES:
            await conn.execute("SELECT pg_notify(%s, %s)", (NOTIFY_CHANNEL, payload))

    def listen(self, listener: ChannelListener) -> None:
        self._listeners.add(listener)
