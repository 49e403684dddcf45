"""The Direct Line channel's conversations and activities in the SQLite store's file.

The listeners are this process's (`LocalListeners`): SQLite serves one process, which holds
every conversation's socket, so a message needs no trip through the database to reach them.
Each call's SQL runs in a worker thread, as the store's does (`store/sqlite_db.py`); what the
listeners hear is emitted back on the event loop, after the transaction committed.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from ground.json_input import storable_json
from store.base import (
    ChannelConversation,
    ChannelFull,
    ChannelListener,
    LocalListeners,
    channel_activity_id,
    since_result,
)
from store.sqlite_db import SqliteDb


class SqliteChannel:
    """`Store`'s channel_* methods, for `SqliteStore` (their contracts are in `store.base`)."""

    def __init__(self, db: SqliteDb, clock: Callable[[], float]) -> None:
        self._db = db
        self._clock = clock
        self._listeners = LocalListeners()

    async def start(
        self, conversation: ChannelConversation, *, keep: int, active_seconds: float
    ) -> bool:
        created, gone = await asyncio.to_thread(
            self._start, conversation, keep, self._clock() - active_seconds, self._clock()
        )
        for conversation_id in gone:
            self._listeners.emit(conversation_id, {"ended": True})
        if created is None:
            raise ChannelFull(f"all {keep} conversations are active")
        return created

    def _start(
        self, conv: ChannelConversation, keep: int, idle_before: float, now: float
    ) -> tuple[bool | None, list[str]]:
        """(created, dropped ids); created is None when there was no room."""
        with self._db.connection(write=True) as conn:
            if conn.execute(
                "SELECT 1 FROM channel_conversations WHERE id = ?", (conv.id,)
            ).fetchone():
                return False, []
            (count,) = conn.execute("SELECT COUNT(*) FROM channel_conversations").fetchone()
            excess = count + 1 - keep
            gone: list[str] = []
            if excess > 0:
                gone = [
                    row[0]
                    for row in conn.execute(
                        "SELECT id FROM channel_conversations WHERE last_active <= ? "
                        "ORDER BY last_active LIMIT ?",
                        (idle_before, excess),
                    )
                ]
                rows = [(g,) for g in gone]
                conn.executemany("DELETE FROM channel_conversations WHERE id = ?", rows)
                conn.executemany("DELETE FROM channel_activities WHERE conversation = ?", rows)
            if len(gone) < excess:
                return None, gone
            conn.execute(
                "INSERT INTO channel_conversations(id, user_id, locale, seq, last_active) "
                "VALUES (?, ?, ?, 0, ?)",
                (conv.id, conv.user_id, conv.locale, now),
            )
        return True, gone

    async def get(self, conversation_id: str) -> ChannelConversation | None:
        return await asyncio.to_thread(self._get, conversation_id)

    def _get(self, conversation_id: str) -> ChannelConversation | None:
        with self._db.connection() as conn:
            row = conn.execute(
                "SELECT user_id, locale, seq FROM channel_conversations WHERE id = ?",
                (conversation_id,),
            ).fetchone()
        return None if row is None else ChannelConversation(conversation_id, *row)

    async def append(
        self, conversation_id: str, activity: dict[str, Any], *, keep_id: bool, history: int
    ) -> str | None:
        found = await asyncio.to_thread(
            self._append, conversation_id, dict(activity), keep_id, history, self._clock()
        )
        if found is None:
            return None
        activity_id, seq = found
        self._listeners.emit(conversation_id, {"seq": seq})
        return activity_id

    def _append(
        self,
        conversation_id: str,
        activity: dict[str, Any],
        keep_id: bool,
        history: int,
        now: float,
    ) -> tuple[str, int] | None:
        with self._db.connection(write=True) as conn:
            row = conn.execute(
                "UPDATE channel_conversations SET seq = seq + 1, last_active = ? WHERE id = ? "
                "RETURNING seq",
                (now, conversation_id),
            ).fetchone()
            if row is None:
                return None
            seq = int(row[0])
            if not keep_id or not activity.get("id"):
                activity["id"] = channel_activity_id(conversation_id, seq)
            conn.execute(
                "INSERT INTO channel_activities(conversation, seq, activity) VALUES (?, ?, ?)",
                (conversation_id, seq, storable_json(activity)),
            )
            conn.execute(
                "DELETE FROM channel_activities WHERE conversation = ? AND seq <= ?",
                (conversation_id, seq - history),
            )
        return str(activity["id"]), seq

    async def since(
        self, conversation_id: str, after: int | None, limit: int
    ) -> tuple[list[dict[str, Any]], int]:
        return await asyncio.to_thread(self._since, conversation_id, after, limit)

    def _since(
        self, conversation_id: str, after: int | None, limit: int
    ) -> tuple[list[dict[str, Any]], int]:
        with self._db.connection() as conn:
            rows = conn.execute(
                "SELECT seq, activity FROM channel_activities WHERE conversation = ? AND seq > ? "
                "ORDER BY seq LIMIT ?",
                (conversation_id, -1 if after is None else after, limit),
            ).fetchall()
            newest = 0
            if not rows and after is None:
                found = conn.execute(
                    "SELECT seq FROM channel_conversations WHERE id = ?", (conversation_id,)
                ).fetchone()
                newest = int(found[0]) if found else 0
        return since_result([(int(q), json.loads(a)) for q, a in rows], after, newest)

    def signal(self, conversation_id: str, message: dict[str, Any]) -> None:
        self._listeners.emit(conversation_id, message)

    def listen(self, listener: ChannelListener) -> None:
        self._listeners.add(listener)
