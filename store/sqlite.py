"""The store on one SQLite file: the zero-setup default for one process; survives restarts.

Every sqlite call runs in a worker thread (`asyncio.to_thread`), so a slow disk never stalls the
event loop, on one connection kept for the store's life and used by one thread at a time (opening
and closing a connection per call cost 7 ms a turn; kept, with WAL and `synchronous=NORMAL`, a
read plus a write costs a fraction of a millisecond: a crash of the process loses nothing, a
power cut at most the last transactions). Writes that must be atomic run in `BEGIN IMMEDIATE`
transactions, so even two processes on one file (not a supported deployment: use PostgreSQL)
never write a claim twice.
Turns are serialized within this process only, and the Direct Line channel's listeners are this
process's: one process holds every socket.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, contextmanager
from pathlib import Path
from typing import Any

from ground.locks import KeyedLocks
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

SCHEMA = [
    "CREATE TABLE IF NOT EXISTS bot_state (key TEXT PRIMARY KEY, etag TEXT NOT NULL, "
    "data TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS processed_activities (key TEXT PRIMARY KEY, at REAL NOT NULL)",
    "CREATE TABLE IF NOT EXISTS write_claims (key TEXT PRIMARY KEY, state TEXT NOT NULL, "
    "by_whom TEXT NOT NULL, at REAL NOT NULL, result TEXT)",
    "CREATE TABLE IF NOT EXISTS audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, at REAL NOT NULL, "
    "actor_id TEXT NOT NULL, actor_name TEXT NOT NULL, channel TEXT NOT NULL, "
    "conversation TEXT NOT NULL, action TEXT NOT NULL, contact_id TEXT NOT NULL, "
    "properties TEXT NOT NULL" + "".join(f", {name} {kind}" for name, kind in AUDIT_ADDED) + ")",
    "CREATE INDEX IF NOT EXISTS processed_activities_at ON processed_activities (at)",
    "CREATE TABLE IF NOT EXISTS inbox (key TEXT PRIMARY KEY, record TEXT NOT NULL, "
    "owner TEXT NOT NULL, lease_until REAL NOT NULL, attempts INTEGER NOT NULL DEFAULT 1, "
    "accepted REAL NOT NULL)",
    "CREATE TABLE IF NOT EXISTS shared_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS channel_conversations (id TEXT PRIMARY KEY, "
    "user_id TEXT NOT NULL, locale TEXT, seq INTEGER NOT NULL DEFAULT 0, "
    "last_active REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS channel_conversations_active "
    "ON channel_conversations (last_active)",
    "CREATE TABLE IF NOT EXISTS channel_activities (conversation TEXT NOT NULL, "
    "seq INTEGER NOT NULL, activity TEXT NOT NULL, PRIMARY KEY (conversation, seq))",
]


AUDIT_INSERT = audit_insert("?")


def migrate_audit_log(conn: sqlite3.Connection) -> None:
    """Bring an audit_log made by an older version up to `AUDIT_COLUMNS` (SQLite has no ADD
    COLUMN IF NOT EXISTS: the table's columns are read first). Runs in `_open`'s transaction."""
    have = {row[1] for row in conn.execute("PRAGMA table_info(audit_log)")}
    for name, kind in AUDIT_ADDED:
        if name not in have:
            conn.execute(f"ALTER TABLE audit_log ADD COLUMN {name} {kind}")
    conn.execute("CREATE INDEX IF NOT EXISTS audit_log_contact ON audit_log (contact_id)")


class SqliteStore:
    def __init__(self, path: str | Path, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self._clock = clock
        self._turns = KeyedLocks()
        self._listeners = LocalListeners()
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None

    @contextmanager
    def _db(self, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self._conn
            if conn is None:
                conn = self._conn = self._connect()
            if write:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            else:
                yield conn

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        return conn

    async def open(self) -> None:
        await asyncio.to_thread(self._open)

    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._db(write=True) as conn:
            for statement in SCHEMA:
                conn.execute(statement)
            migrate_audit_log(conn)

    async def close(self) -> None:
        await asyncio.to_thread(self._close)

    def _close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # -- documents ----------------------------------------------------------------------------
    async def read(self, keys: list[str]) -> dict[str, Doc]:
        if not keys:
            return {}
        return await asyncio.to_thread(self._read, list(keys))

    def _read(self, keys: list[str]) -> dict[str, Doc]:
        marks = ",".join("?" * len(keys))
        with self._db() as conn:
            rows = conn.execute(
                f"SELECT key, etag, data FROM bot_state WHERE key IN ({marks})", keys
            ).fetchall()
        return {key: Doc(etag, json.loads(data)) for key, etag, data in rows}

    async def write(self, items: Mapping[str, tuple[str | None, dict[str, Any]]]) -> dict[str, str]:
        if not items:
            return {}
        rows = {
            k: (wanted, json.dumps(data, ensure_ascii=False)) for k, (wanted, data) in items.items()
        }
        return await asyncio.to_thread(self._write, rows)

    def _write(self, rows: dict[str, tuple[str | None, str]]) -> dict[str, str]:
        etags: dict[str, str] = {}
        with self._db(write=True) as conn:
            for key, (wanted, data) in rows.items():
                row = conn.execute("SELECT etag FROM bot_state WHERE key = ?", (key,)).fetchone()
                check_etag(key, wanted, row[0] if row else None)
                etags[key] = uuid.uuid4().hex
                conn.execute(
                    "INSERT INTO bot_state(key, etag, data) VALUES (?, ?, ?) ON CONFLICT(key) "
                    "DO UPDATE SET etag = excluded.etag, data = excluded.data",
                    (key, etags[key], data),
                )
        return etags

    async def delete(self, keys: list[str]) -> None:
        if keys:
            await asyncio.to_thread(
                self._run, "DELETE FROM bot_state WHERE key = ?", *[(k,) for k in keys]
            )

    def _run(self, sql: str, *params: tuple[Any, ...]) -> None:
        with self._db(write=True) as conn:
            conn.executemany(sql, params)

    # -- turns --------------------------------------------------------------------------------
    def turn(self, key: str) -> AbstractAsyncContextManager[None]:
        return self._turns.hold(key)

    # -- processed activities -----------------------------------------------------------------
    async def processed(self, key: str) -> bool:
        since = self._clock() - PROCESSED_TTL_SECONDS
        return await asyncio.to_thread(self._processed, key, since)

    def _processed(self, key: str, since: float) -> bool:
        with self._db() as conn:
            row = conn.execute(
                "SELECT 1 FROM processed_activities WHERE key = ? AND at > ?", (key, since)
            ).fetchone()
        return row is not None

    async def mark_processed(self, key: str) -> None:
        await asyncio.to_thread(self._mark_processed, key, self._clock())

    def _mark_processed(self, key: str, now: float) -> None:
        with self._db(write=True) as conn:
            conn.execute(
                "INSERT INTO processed_activities(key, at) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET at = excluded.at",
                (key, now),
            )
            conn.execute(
                "DELETE FROM processed_activities WHERE at <= ?", (now - PROCESSED_TTL_SECONDS,)
            )

    # -- the inbox ----------------------------------------------------------------------------
    async def inbox_accept(
        self, key: str, record: dict[str, Any], *, owner: str, lease_seconds: float
    ) -> bool:
        now = self._clock()
        row = (key, json.dumps(record, ensure_ascii=False), owner, now + lease_seconds, now)
        return await asyncio.to_thread(self._inbox_accept, row)

    def _inbox_accept(self, row: tuple[Any, ...]) -> bool:
        with self._db(write=True) as conn:
            return bool(
                conn.execute(
                    "INSERT INTO inbox(key, record, owner, lease_until, accepted) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT(key) DO NOTHING",
                    row,
                ).rowcount
            )

    async def inbox_renew(self, keys: Sequence[str], *, owner: str, lease_seconds: float) -> None:
        until = self._clock() + lease_seconds
        await asyncio.to_thread(
            self._run,
            "UPDATE inbox SET lease_until = ? WHERE key = ? AND owner = ?",
            *[(until, key, owner) for key in keys],
        )

    async def inbox_take(
        self, *, owner: str, lease_seconds: float, limit: int, orphaned: bool = False
    ) -> list[InboxItem]:
        now = self._clock()
        return await asyncio.to_thread(
            self._inbox_take, owner, now, now + lease_seconds, limit, orphaned
        )

    def _inbox_take(
        self, owner: str, now: float, until: float, limit: int, orphaned: bool
    ) -> list[InboxItem]:
        with self._db(write=True) as conn:
            rows = conn.execute(
                "SELECT key, record, attempts FROM inbox "
                "WHERE lease_until <= ? OR (? AND owner <> ?) ORDER BY accepted LIMIT ?",
                (now, orphaned, owner, limit),
            ).fetchall()
            conn.executemany(
                "UPDATE inbox SET owner = ?, lease_until = ?, attempts = attempts + 1 "
                "WHERE key = ?",
                [(owner, until, key) for key, _, _ in rows],
            )
        return [InboxItem(key, json.loads(record), attempts + 1) for key, record, attempts in rows]

    async def inbox_done(self, key: str) -> None:
        await asyncio.to_thread(self._run, "DELETE FROM inbox WHERE key = ?", (key,))

    # -- claims -------------------------------------------------------------------------------
    async def claim(self, key: str, *, by: str) -> Claim:
        return await asyncio.to_thread(self._claim, key, by, self._clock())

    def _claim(self, key: str, by: str, now: float) -> Claim:
        with self._db(write=True) as conn:
            taken = conn.execute(
                "INSERT INTO write_claims(key, state, by_whom, at) VALUES (?, 'claimed', ?, ?) "
                "ON CONFLICT(key) DO NOTHING",
                (key, by, now),
            ).rowcount
            row = conn.execute(
                "SELECT state, by_whom, at, result FROM write_claims WHERE key = ?", (key,)
            ).fetchone()
        return claim_from_row(key, row, bool(taken))

    async def lookup_claim(self, key: str) -> Claim | None:
        return await asyncio.to_thread(self._lookup_claim, key)

    def _lookup_claim(self, key: str) -> Claim | None:
        with self._db() as conn:
            row = conn.execute(
                "SELECT state, by_whom, at, result FROM write_claims WHERE key = ?", (key,)
            ).fetchone()
        return None if row is None else claim_from_row(key, row, False)

    async def finish(
        self, key: str, result: dict[str, Any], *, audit: AuditEntry | None = None
    ) -> None:
        await asyncio.to_thread(self._finish, key, json.dumps(result, ensure_ascii=False), audit)

    def _finish(self, key: str, result: str, audit: AuditEntry | None) -> None:
        with self._db(write=True) as conn:
            conn.execute(
                "UPDATE write_claims SET state = 'done', result = ? WHERE key = ?", (result, key)
            )
            if audit is not None:
                conn.execute(AUDIT_INSERT, audit_values(audit))

    async def release(self, key: str) -> None:
        await asyncio.to_thread(self._run, "DELETE FROM write_claims WHERE key = ?", (key,))

    # -- audit --------------------------------------------------------------------------------
    async def record(self, entry: AuditEntry) -> None:
        await asyncio.to_thread(self._run, AUDIT_INSERT, audit_values(entry))

    async def audit_log(
        self,
        limit: int = 100,
        *,
        contacts: Sequence[str] = (),
        user: str | None = None,
        since: float | None = None,
    ) -> list[AuditEntry]:
        sql, params = audit_select("?", limit, contacts=contacts, user=user, since=since)
        return await asyncio.to_thread(self._audit_log, sql, params)

    def _audit_log(self, sql: str, params: list[Any]) -> list[AuditEntry]:
        with self._db() as conn:
            rows = conn.execute(sql, params).fetchall()
        return [audit_entry(row) for row in rows]

    # -- the Direct Line channel ----------------------------------------------------------------
    async def channel_start(
        self, conversation: ChannelConversation, *, keep: int, active_seconds: float
    ) -> bool:
        created, gone = await asyncio.to_thread(
            self._channel_start, conversation, keep, self._clock() - active_seconds, self._clock()
        )
        for conversation_id in gone:
            self._listeners.emit(conversation_id, {"ended": True})
        if created is None:
            raise ChannelFull(f"all {keep} conversations are active")
        return created

    def _channel_start(
        self, conv: ChannelConversation, keep: int, idle_before: float, now: float
    ) -> tuple[bool | None, list[str]]:
        """(created, dropped ids); created is None when there was no room."""
        with self._db(write=True) as conn:
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

    async def channel_get(self, conversation_id: str) -> ChannelConversation | None:
        return await asyncio.to_thread(self._channel_get, conversation_id)

    def _channel_get(self, conversation_id: str) -> ChannelConversation | None:
        with self._db() as conn:
            row = conn.execute(
                "SELECT user_id, locale, seq FROM channel_conversations WHERE id = ?",
                (conversation_id,),
            ).fetchone()
        return None if row is None else ChannelConversation(conversation_id, *row)

    async def channel_append(
        self, conversation_id: str, activity: dict[str, Any], *, keep_id: bool, history: int
    ) -> str | None:
        found = await asyncio.to_thread(
            self._channel_append, conversation_id, dict(activity), keep_id, history, self._clock()
        )
        if found is None:
            return None
        activity_id, seq = found
        self._listeners.emit(conversation_id, {"seq": seq})
        return activity_id

    def _channel_append(
        self,
        conversation_id: str,
        activity: dict[str, Any],
        keep_id: bool,
        history: int,
        now: float,
    ) -> tuple[str, int] | None:
        with self._db(write=True) as conn:
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
                (conversation_id, seq, json.dumps(activity, ensure_ascii=False)),
            )
            conn.execute(
                "DELETE FROM channel_activities WHERE conversation = ? AND seq <= ?",
                (conversation_id, seq - history),
            )
        return str(activity["id"]), seq

    async def channel_since(
        self, conversation_id: str, after: int | None, limit: int
    ) -> tuple[list[dict[str, Any]], int]:
        return await asyncio.to_thread(self._channel_since, conversation_id, after, limit)

    def _channel_since(
        self, conversation_id: str, after: int | None, limit: int
    ) -> tuple[list[dict[str, Any]], int]:
        with self._db() as conn:
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

    async def channel_signal(self, conversation_id: str, message: dict[str, Any]) -> None:
        self._listeners.emit(conversation_id, message)

    def channel_listen(self, listener: ChannelListener) -> None:
        self._listeners.add(listener)

    # -- secrets ------------------------------------------------------------------------------
    async def secret(self, name: str) -> str:
        return await asyncio.to_thread(self._secret, name, secrets.token_urlsafe(32))

    def _secret(self, name: str, fresh: str) -> str:
        with self._db(write=True) as conn:
            conn.execute(
                "INSERT INTO shared_secrets(name, value) VALUES (?, ?) "
                "ON CONFLICT(name) DO NOTHING",
                (name, fresh),
            )
            (value,) = conn.execute(
                "SELECT value FROM shared_secrets WHERE name = ?", (name,)
            ).fetchone()
        return str(value)
