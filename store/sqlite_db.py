"""The SQLite store's file: one connection kept for the store's life, used by one thread at a
time, and the schema made (or migrated) on it at open.

One connection, kept: opening and closing a connection per call cost 7 ms a turn; kept, with WAL
and `synchronous=NORMAL`, a read plus a write costs a fraction of a millisecond (a crash of the
process loses nothing, a power cut at most the last transactions). The store calls everything
here from worker threads (`asyncio.to_thread`), so the lock below is a thread lock. Writes that
must be atomic run in `BEGIN IMMEDIATE` transactions, so even two processes on one file (not a
supported deployment: use PostgreSQL) never write a claim twice.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from store.sql import AUDIT_ADDED, AUDIT_CLAIM_INDEX, AUDIT_CONTACT_INDEX, SQLITE, schema


def migrate_audit_log(conn: sqlite3.Connection) -> None:
    """Bring an audit_log made by an older version up to `AUDIT_COLUMNS` (SQLite has no ADD
    COLUMN IF NOT EXISTS: the table's columns are read first). Runs in `create`'s transaction."""
    have = {row[1] for row in conn.execute("PRAGMA table_info(audit_log)")}
    for name, kind in AUDIT_ADDED:
        if name not in have:
            conn.execute(f"ALTER TABLE audit_log ADD COLUMN {name} {kind}")
    conn.execute(AUDIT_CONTACT_INDEX)
    conn.execute(AUDIT_CLAIM_INDEX)


class SqliteDb:
    """The connection to one SQLite file, opened on first use. Blocking: call from a thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None

    @contextmanager
    def connection(self, *, write: bool = False) -> Iterator[sqlite3.Connection]:
        """The connection, this thread's alone until the block ends; with `write`, inside a
        `BEGIN IMMEDIATE` transaction, committed at the end (rolled back on an exception)."""
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

    def run(self, sql: str, *params: tuple[Any, ...]) -> None:
        """`sql` once per parameter tuple, in one write transaction."""
        with self.connection(write=True) as conn:
            conn.executemany(sql, params)

    def create(self) -> None:
        """The folder, the tables and the audit log's migration (idempotent)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.connection(write=True) as conn:
            for statement in schema(SQLITE):
                conn.execute(statement)
            migrate_audit_log(conn)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
