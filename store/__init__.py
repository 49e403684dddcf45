"""The shared store: conversation state, processed ids, write claims, the inbox, the audit log,
the Web Chat channel's conversations and shared secrets. May import config/ and ground/ only.
One interface (`store.base.Store`), three stores.

Chosen here and nowhere else: PostgreSQL when `DATABASE_URL` is set (several instances),
memory when `STATE_STORAGE=memory` (tests), else SQLite in `DATA_DIR` (one process).
"""

from __future__ import annotations

from config import Settings
from store.base import (
    AuditEntry,
    Claim,
    Doc,
    EtagConflict,
    Store,
    StoreError,
    StoreUnavailable,
)


def open_store(settings: Settings) -> Store:
    """The configured store, not yet opened (call `await store.open()`)."""
    if settings.database_url:
        from store.postgres import PostgresStore  # psycopg is only needed here

        return PostgresStore(settings.database_url)
    if settings.state_storage == "memory":
        from store.memory import MemoryStore

        return MemoryStore()
    from store.sqlite import SqliteStore

    return SqliteStore(settings.state_db_path)


__all__ = [
    "AuditEntry",
    "Claim",
    "Doc",
    "EtagConflict",
    "Store",
    "StoreError",
    "StoreUnavailable",
    "open_store",
]
