"""The store on one SQLite file: the zero-setup default for one process; survives restarts.

Every sqlite call runs in a worker thread (`asyncio.to_thread`), so a slow disk never stalls the
event loop, on its own short-lived connection (sqlite3 connections are not shared across
threads). Writes that must be atomic run in `BEGIN IMMEDIATE` transactions, so even two
processes on one file (not a supported deployment: use PostgreSQL) never write a claim twice.
Turns are serialized within this process only.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractAsyncContextManager, contextmanager
from pathlib import Path
from typing import Any

from contacts.locks import KeyedLocks
from store.base import (
    PROCESSED_TTL_SECONDS,
    AuditEntry,
    Claim,
    Doc,
    audit_entry,
    audit_values,
    check_etag,
    claim_from_row,
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
    "properties TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS processed_activities_at ON processed_activities (at)",
    "CREATE TABLE IF NOT EXISTS shared_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
]


class SqliteStore:
    def __init__(self, path: str | Path, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self._clock = clock
        self._turns = KeyedLocks()

    @contextmanager
    def _db(self, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
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
        finally:
            conn.close()

    async def open(self) -> None:
        await asyncio.to_thread(self._open)

    def _open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
        with self._db(write=True) as conn:
            for statement in SCHEMA:
                conn.execute(statement)

    async def close(self) -> None:
        return None

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

    async def finish(self, key: str, result: dict[str, Any]) -> None:
        await asyncio.to_thread(
            self._run,
            "UPDATE write_claims SET state = 'done', result = ? WHERE key = ?",
            (json.dumps(result, ensure_ascii=False), key),
        )

    async def release(self, key: str) -> None:
        await asyncio.to_thread(self._run, "DELETE FROM write_claims WHERE key = ?", (key,))

    # -- audit --------------------------------------------------------------------------------
    async def record(self, entry: AuditEntry) -> None:
        await asyncio.to_thread(
            self._run,
            "INSERT INTO audit_log(at, actor_id, actor_name, channel, conversation, action, "
            "contact_id, properties) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            audit_values(entry),
        )

    async def audit_log(self, limit: int = 100) -> list[AuditEntry]:
        return await asyncio.to_thread(self._audit_log, limit)

    def _audit_log(self, limit: int) -> list[AuditEntry]:
        with self._db() as conn:
            rows = conn.execute(
                "SELECT at, actor_id, actor_name, channel, conversation, action, contact_id, "
                "properties FROM audit_log ORDER BY id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [audit_entry(row) for row in rows]

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
