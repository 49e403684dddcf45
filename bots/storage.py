"""Conversation state storage: SQLite by default (survives restarts), memory for tests.

Why our own Storage: botbuilder ships MemoryStorage and cloud stores only; a bot that runs on one
machine with no accounts still has to remember a pending confirmation across a restart. Every
sqlite call runs in a worker thread (`asyncio.to_thread`) so a slow disk never stalls the event
loop. eTags work as in the SDK's stores: a write that carries an eTag other than the stored one
(and not "*") raises, so two turns of one conversation on two instances cannot silently
overwrite each other; a write without an eTag is unconditional.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from botbuilder.core import MemoryStorage, Storage

from config import Settings

_SCHEMA = """CREATE TABLE IF NOT EXISTS bot_state (
    key TEXT PRIMARY KEY, etag TEXT NOT NULL, data TEXT NOT NULL)"""


class EtagConflict(KeyError):
    """The stored item changed since it was read (another turn wrote it first)."""


def _as_dict(item: Any) -> dict[str, Any]:
    if isinstance(item, Mapping):
        return dict(item)
    if hasattr(item, "__dict__"):
        return {k: v for k, v in vars(item).items() if not k.startswith("_")}
    raise TypeError(f"cannot store a {type(item).__name__}; store a dict")


class SqliteStorage(Storage):
    """A Bot Framework `Storage` on one SQLite file. Items are JSON dicts; each write gets a
    new eTag, which is also set on the dict passed in, so a turn can save twice."""

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self._path = Path(path)
        self._ready = False

    def _connect(self) -> sqlite3.Connection:
        if not self._ready:
            self._path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self._path, timeout=10, isolation_level=None)
        if not self._ready:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(_SCHEMA)
            self._ready = True
        return conn

    async def read(self, keys: list[str]) -> dict[str, Any]:
        if not keys:
            return {}
        return await asyncio.to_thread(self._read, list(keys))

    def _read(self, keys: list[str]) -> dict[str, Any]:
        conn = self._connect()
        try:
            marks = ",".join("?" * len(keys))
            rows = conn.execute(
                f"SELECT key, etag, data FROM bot_state WHERE key IN ({marks})", keys
            ).fetchall()
        finally:
            conn.close()
        out: dict[str, Any] = {}
        for key, etag, data in rows:
            item = json.loads(data)
            item["e_tag"] = etag
            out[key] = item
        return out

    async def write(self, changes: dict[str, Any]) -> None:
        if changes is None:
            raise ValueError("changes are required when writing")
        if not changes:
            return
        items = {key: _as_dict(value) for key, value in changes.items()}
        etags = await asyncio.to_thread(self._write, items)
        for key, value in changes.items():  # the caller's copy now carries the stored eTag
            if isinstance(value, dict):
                value["e_tag"] = etags[key]
            elif hasattr(value, "__dict__"):
                value.e_tag = etags[key]

    def _write(self, items: dict[str, dict[str, Any]]) -> dict[str, str]:
        conn = self._connect()
        etags: dict[str, str] = {}
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for key, item in items.items():
                    wanted = item.pop("e_tag", None)
                    if wanted == "":
                        raise ValueError("storage write: empty eTag")
                    row = conn.execute(
                        "SELECT etag FROM bot_state WHERE key = ?", (key,)
                    ).fetchone()
                    if row is not None and wanted not in (None, "*") and wanted != row[0]:
                        raise EtagConflict(f"eTag conflict on {key!r}")
                    etags[key] = uuid.uuid4().hex
                    conn.execute(
                        "INSERT INTO bot_state(key, etag, data) VALUES (?, ?, ?) "
                        "ON CONFLICT(key) DO UPDATE SET etag = excluded.etag, data = excluded.data",
                        (key, etags[key], json.dumps(item, ensure_ascii=False)),
                    )
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            conn.close()
        return etags

    async def delete(self, keys: list[str]) -> None:
        if keys:
            await asyncio.to_thread(self._delete, list(keys))

    def _delete(self, keys: list[str]) -> None:
        conn = self._connect()
        try:
            conn.executemany("DELETE FROM bot_state WHERE key = ?", [(k,) for k in keys])
        finally:
            conn.close()


def create_storage(settings: Settings) -> Storage:
    """MemoryStorage for `state_storage="memory"` (tests), else SQLite at `state_db_path`."""
    if settings.state_storage == "memory":
        return MemoryStorage()
    return SqliteStorage(settings.state_db_path)
