"""The store on one SQLite file: the zero-setup default for one process; survives restarts.

Every sqlite call runs in a worker thread (`asyncio.to_thread`), so a slow disk never stalls the
event loop, on one connection kept for the store's life (`store/sqlite_db.py`: why one, and how
writes stay atomic). Turns are serialized within this process only, and the Direct Line
channel's listeners are this process's (`store/sqlite_channel.py`): one process holds every
socket.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import sqlite3
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from pathlib import Path
from typing import Any

from ground.json_input import storable_json
from ground.locks import KeyedLocks
from store.base import (
    ATTEMPTED,
    NOT_DONE,
    PROCESSED_TTL_SECONDS,
    AuditEntry,
    ChannelConversation,
    ChannelListener,
    Claim,
    Doc,
    InboxItem,
    check_etag,
)
from store.sql import (
    CLAIM_ANY,
    CLAIM_FINISH,
    CLAIM_OPEN,
    CLAIM_RELEASE,
    audit_entry,
    audit_insert,
    audit_select,
    audit_update,
    audit_values,
    claim_from_row,
    lease_drop,
    lease_take,
    open_attempt_rows,
    open_attempt_select,
    open_attempts_select,
)
from store.sqlite_channel import SqliteChannel
from store.sqlite_db import SqliteDb

AUDIT_INSERT = audit_insert("?")
LEASE_TAKE = lease_take("?")
AUDIT_UPDATE = audit_update("?")
OPEN_ATTEMPT = open_attempt_select("?")
OPEN_ATTEMPTS = open_attempts_select("?")


class SqliteStore:
    def __init__(self, path: str | Path, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self._clock = clock
        self._turns = KeyedLocks()
        self._db = SqliteDb(self.path)
        self._channel = SqliteChannel(self._db, clock)

    async def open(self) -> None:
        await asyncio.to_thread(self._db.create)

    async def close(self) -> None:
        await asyncio.to_thread(self._db.close)

    async def reachable(self) -> bool:
        return True  # a file of this process's own: there while the process is

    # -- documents ----------------------------------------------------------------------------
    async def read(self, keys: list[str]) -> dict[str, Doc]:
        if not keys:
            return {}
        return await asyncio.to_thread(self._read, list(keys))

    def _read(self, keys: list[str]) -> dict[str, Doc]:
        marks = ",".join("?" * len(keys))
        with self._db.connection() as conn:
            rows = conn.execute(
                f"SELECT key, etag, data FROM bot_state WHERE key IN ({marks})", keys
            ).fetchall()
        return {key: Doc(etag, json.loads(data)) for key, etag, data in rows}

    async def write(self, items: Mapping[str, tuple[str | None, dict[str, Any]]]) -> dict[str, str]:
        if not items:
            return {}
        rows = {k: (wanted, storable_json(data)) for k, (wanted, data) in items.items()}
        return await asyncio.to_thread(self._write, rows)

    def _write(self, rows: dict[str, tuple[str | None, str]]) -> dict[str, str]:
        etags: dict[str, str] = {}
        with self._db.connection(write=True) as conn:
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
                self._db.run, "DELETE FROM bot_state WHERE key = ?", *[(k,) for k in keys]
            )

    # -- turns --------------------------------------------------------------------------------
    def turn(self, key: str) -> AbstractAsyncContextManager[None]:
        return self._turns.hold(key)

    # -- processed activities -----------------------------------------------------------------
    async def processed(self, key: str) -> bool:
        since = self._clock() - PROCESSED_TTL_SECONDS
        return await asyncio.to_thread(self._processed, key, since)

    def _processed(self, key: str, since: float) -> bool:
        with self._db.connection() as conn:
            row = conn.execute(
                "SELECT 1 FROM processed_activities WHERE key = ? AND at > ?", (key, since)
            ).fetchone()
        return row is not None

    async def mark_processed(self, key: str) -> None:
        await asyncio.to_thread(self._mark_processed, key, self._clock())

    def _mark_processed(self, key: str, now: float) -> None:
        with self._db.connection(write=True) as conn:
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
        row = (key, storable_json(record), owner, now + lease_seconds, now)
        return await asyncio.to_thread(self._inbox_accept, row)

    def _inbox_accept(self, row: tuple[Any, ...]) -> bool:
        with self._db.connection(write=True) as conn:
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
            self._db.run,
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
        with self._db.connection(write=True) as conn:
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
        await asyncio.to_thread(self._db.run, "DELETE FROM inbox WHERE key = ?", (key,))

    # -- claims -------------------------------------------------------------------------------
    async def claim(self, key: str, *, by: str) -> Claim:
        return await asyncio.to_thread(self._claim, key, by, self._clock())

    def _claim(self, key: str, by: str, now: float, attempt: AuditEntry | None = None) -> Claim:
        with self._db.connection(write=True) as conn:
            taken = conn.execute(
                "INSERT INTO write_claims(key, state, by_whom, at) VALUES (?, 'claimed', ?, ?) "
                "ON CONFLICT(key) DO NOTHING",
                (key, by, now),
            ).rowcount
            if taken and attempt is not None:
                conn.execute(
                    AUDIT_INSERT, audit_values(replace(attempt, outcome=ATTEMPTED, claim=key))
                )
            row = conn.execute(
                "SELECT state, by_whom, at, result FROM write_claims WHERE key = ?", (key,)
            ).fetchone()
        return claim_from_row(key, row, bool(taken))

    async def lookup_claim(self, key: str) -> Claim | None:
        return await asyncio.to_thread(self._lookup_claim, key)

    def _lookup_claim(self, key: str) -> Claim | None:
        with self._db.connection() as conn:
            row = conn.execute(
                "SELECT state, by_whom, at, result FROM write_claims WHERE key = ?", (key,)
            ).fetchone()
        return None if row is None else claim_from_row(key, row, False)

    async def finish(
        self, key: str, result: dict[str, Any], *, audit: AuditEntry | None = None
    ) -> None:
        await asyncio.to_thread(self._finish, key, storable_json(result), audit)

    def _finish(self, key: str, result: str, audit: AuditEntry | None) -> None:
        with self._db.connection(write=True) as conn:
            finished = conn.execute(CLAIM_FINISH.format(mark="?"), (result, key)).rowcount
            given_back = (
                not finished and conn.execute(CLAIM_ANY.format(mark="?"), (key,)).fetchone() is None
            )
            if audit is not None and (finished or given_back):
                _put(conn, key, audit)

    async def release(self, key: str, *, audit: AuditEntry | None = None) -> None:
        await asyncio.to_thread(self._release, key, audit)

    def _release(self, key: str, audit: AuditEntry | None) -> None:
        with self._db.connection(write=True) as conn:
            if not conn.execute(CLAIM_RELEASE.format(mark="?"), (key,)).rowcount:
                return
            found = _open_attempt(conn, key)
            if audit is not None:
                _put(conn, key, audit)
            elif found is not None:
                _replace(conn, found[0], replace(found[1], outcome=NOT_DONE))

    async def claim_attempt(self, key: str, *, by: str, attempt: AuditEntry) -> Claim:
        return await asyncio.to_thread(self._claim, key, by, self._clock(), attempt)

    async def open_attempt(self, key: str) -> AuditEntry | None:
        found = await asyncio.to_thread(self._open_attempt, key)
        return None if found is None else found[1]

    def _open_attempt(self, key: str) -> tuple[int, AuditEntry] | None:
        with self._db.connection() as conn:
            return _open_attempt(conn, key)

    async def resolve(self, key: str, entry: AuditEntry) -> None:
        await asyncio.to_thread(self._resolve, key, entry)

    def _resolve(self, key: str, entry: AuditEntry) -> None:
        with self._db.connection(write=True) as conn:
            if conn.execute(CLAIM_OPEN.format(mark="?"), (key,)).fetchone() is not None:
                _put(conn, key, entry)

    async def open_attempts(
        self, *, before: float, since: float, limit: int
    ) -> list[tuple[Claim, AuditEntry]]:
        return await asyncio.to_thread(self._open_attempts, (before, since, limit))

    def _open_attempts(self, params: tuple[float, float, int]) -> list[tuple[Claim, AuditEntry]]:
        with self._db.connection() as conn:
            rows = conn.execute(OPEN_ATTEMPTS, params).fetchall()
        return open_attempt_rows(rows)

    # -- leases (one create of a new email at a time) -----------------------------------------
    async def lease_take(self, key: str, *, owner: str, seconds: float) -> bool:
        now = self._clock()
        return await asyncio.to_thread(self._lease_take, (key, owner, now + seconds, now))

    def _lease_take(self, params: tuple[str, str, float, float]) -> bool:
        with self._db.connection(write=True) as conn:
            return conn.execute(LEASE_TAKE, params).fetchone() is not None

    async def lease_drop(self, key: str, *, owner: str) -> None:
        await asyncio.to_thread(self._db.run, lease_drop("?"), (key, owner))

    # -- audit --------------------------------------------------------------------------------
    async def record(self, entry: AuditEntry) -> None:
        await asyncio.to_thread(self._db.run, AUDIT_INSERT, audit_values(entry))

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
        with self._db.connection() as conn:
            rows = conn.execute(sql, params).fetchall()
        return [audit_entry(row) for row in rows]

    # -- the Direct Line channel (store/sqlite_channel.py) ------------------------------------
    async def channel_start(
        self, conversation: ChannelConversation, *, keep: int, active_seconds: float
    ) -> bool:
        return await self._channel.start(conversation, keep=keep, active_seconds=active_seconds)

    async def channel_get(self, conversation_id: str) -> ChannelConversation | None:
        return await self._channel.get(conversation_id)

    async def channel_append(
        self, conversation_id: str, activity: dict[str, Any], *, keep_id: bool, history: int
    ) -> str | None:
        return await self._channel.append(
            conversation_id, activity, keep_id=keep_id, history=history
        )

    async def channel_since(
        self, conversation_id: str, after: int | None, limit: int
    ) -> tuple[list[dict[str, Any]], int]:
        return await self._channel.since(conversation_id, after, limit)

    async def channel_signal(self, conversation_id: str, message: dict[str, Any]) -> None:
        self._channel.signal(conversation_id, message)

    def channel_listen(self, listener: ChannelListener) -> None:
        self._channel.listen(listener)

    # -- secrets ------------------------------------------------------------------------------
    async def secret(self, name: str) -> str:
        return await asyncio.to_thread(self._secret, name, secrets.token_urlsafe(32))

    def _secret(self, name: str, fresh: str) -> str:
        with self._db.connection(write=True) as conn:
            conn.execute(
                "INSERT INTO shared_secrets(name, value) VALUES (?, ?) "
                "ON CONFLICT(name) DO NOTHING",
                (name, fresh),
            )
            (value,) = conn.execute(
                "SELECT value FROM shared_secrets WHERE name = ?", (name,)
            ).fetchone()
        return str(value)


# -- a claim's audit record (store/postgres_attempts.py says why), in a held connection ------
def _open_attempt(conn: sqlite3.Connection, key: str) -> tuple[int, AuditEntry] | None:
    row = conn.execute(OPEN_ATTEMPT, (key,)).fetchone()
    return None if row is None else (int(row[0]), audit_entry(tuple(row[1:])))


def _replace(conn: sqlite3.Connection, row_id: int, entry: AuditEntry) -> None:
    conn.execute(AUDIT_UPDATE, (*audit_values(entry), row_id))


def _put(conn: sqlite3.Connection, key: str, entry: AuditEntry) -> None:
    """`entry` takes the place of the claim's open record, or is recorded as it is."""
    found = _open_attempt(conn, key)
    if found is None:
        conn.execute(AUDIT_INSERT, audit_values(entry))
    else:
        _replace(conn, found[0], replace(entry, claim=key))
