"""SQLite access off the event loop: one writer thread, a few reader threads, WAL.

Writes are serialised on a single thread (datasette's pattern), so there is never a
"database is locked" race between two writers and a multi-statement write is one transaction.
Readers each keep their own connection (SQLite connections are per thread) and, thanks to WAL,
read the last committed state while the writer works. An in-memory database cannot be shared
between connections, so `:memory:` runs reads on the writer thread too.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")

SCHEMA = """
CREATE TABLE IF NOT EXISTS contacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    archived_ms INTEGER,
    props TEXT NOT NULL
);
-- Primary and additional emails of live contacts, lower-cased: the uniqueness key.
CREATE TABLE IF NOT EXISTS emails (email TEXT PRIMARY KEY, id INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS emails_by_id ON emails(id);
-- Ids that were merged away, and the record they live on in now.
CREATE TABLE IF NOT EXISTS aliases (old_id INTEGER PRIMARY KEY, new_id INTEGER NOT NULL);
-- The search index: what search sees, possibly behind the truth by `search_lag_ms`.
CREATE TABLE IF NOT EXISTS idx_docs (
    id INTEGER PRIMARY KEY,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    props TEXT NOT NULL,
    keys TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS idx_vals (
    name TEXT NOT NULL, v TEXT NOT NULL, n REAL, id INTEGER NOT NULL,
    PRIMARY KEY (name, v, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idx_vals_num ON idx_vals(name, n) WHERE n IS NOT NULL;
CREATE TABLE IF NOT EXISTS idx_toks (
    name TEXT NOT NULL, tok TEXT NOT NULL, id INTEGER NOT NULL,
    PRIMARY KEY (name, tok, id)
) WITHOUT ROWID;
-- HubSpot users records can be assigned to (hubspot_local/owners.py).
CREATE TABLE IF NOT EXISTS owners (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    archived INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS owners_by_email ON owners(email);
-- Index updates waiting for their lag to pass (doc NULL = remove).
CREATE TABLE IF NOT EXISTS pending (
    seq INTEGER PRIMARY KEY, due_ms INTEGER NOT NULL, id INTEGER NOT NULL, doc TEXT
);
"""

FIRST_ID = 1001  # ids look like HubSpot's numeric ids, never like list positions


class Database:
    """Runs callables `fn(conn)` on the writer thread (`write`) or a reader thread (`read`)."""

    def __init__(self, path: str = ":memory:", *, readers: int = 4) -> None:
        self.path = path
        self.memory = path in ("", ":memory:")
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="hubspot-local-writer")
        self._readers = (
            self._writer
            if self.memory
            else ThreadPoolExecutor(readers, thread_name_prefix="hubspot-local-reader")
        )
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False
        self._schema_ready = threading.Event()

    # -- connections ---------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        cached: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if cached is not None:
            return cached
        conn = sqlite3.connect(
            ":memory:" if self.memory else self.path, check_same_thread=False, isolation_level=None
        )
        conn.execute("PRAGMA busy_timeout=5000")
        if not self.memory:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA cache_size=-65536")
        with self._lock:
            self._all.append(conn)
        self._local.conn = conn
        return conn

    def _writer_conn(self) -> sqlite3.Connection:
        conn = self._connect()
        if not self._schema_ready.is_set():
            conn.executescript(SCHEMA)
            if (
                conn.execute(
                    "SELECT count(*) FROM sqlite_sequence WHERE name='contacts'"
                ).fetchone()[0]
                == 0
            ):
                conn.execute(
                    "INSERT INTO sqlite_sequence(name, seq) VALUES ('contacts', ?)", (FIRST_ID - 1,)
                )
            self._schema_ready.set()
        return conn

    # -- running work ----------------------------------------------------------------------------
    def write_sync(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run `fn` in one transaction on the calling thread (must be the writer thread)."""
        conn = self._writer_conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = fn(conn)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return result

    async def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """`fn(conn)` as one transaction on the writer thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._writer, self.write_sync, fn)

    def _read_sync(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        if self.memory or not self._schema_ready.is_set():
            # Creating the schema is a write; make sure it happened first.
            if self.memory:
                return fn(self._writer_conn())
            self._schema_ready.wait()
        conn = self._connect()
        conn.execute("BEGIN")  # one consistent snapshot for the whole read
        try:
            return fn(conn)
        finally:
            conn.execute("COMMIT")

    async def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """`fn(conn)` against a consistent snapshot, on a reader thread."""
        if not self._schema_ready.is_set():
            await self.write(lambda conn: None)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._readers, self._read_sync, fn)

    async def close(self) -> None:
        """Finish queued work, then close every connection."""
        if self._closed:
            return
        self._closed = True
        await asyncio.to_thread(self._shutdown)

    def _shutdown(self) -> None:
        self._writer.shutdown(wait=True)
        if self._readers is not self._writer:
            self._readers.shutdown(wait=True)
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
