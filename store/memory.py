"""The store in this process's memory: for tests, and the reference the others must match."""

from __future__ import annotations

import copy
import json
import secrets
import time
import uuid
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from typing import Any

from contacts.locks import KeyedLocks
from store.base import PROCESSED_TTL_SECONDS, AuditEntry, Claim, Doc, check_etag


class MemoryStore:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._docs: dict[str, Doc] = {}
        self._processed: dict[str, float] = {}
        self._claims: dict[str, Claim] = {}
        self._audit: list[AuditEntry] = []
        self._secrets: dict[str, str] = {}
        self._turns = KeyedLocks()

    async def open(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def read(self, keys: list[str]) -> dict[str, Doc]:
        return {k: copy.deepcopy(self._docs[k]) for k in keys if k in self._docs}

    async def write(self, items: Mapping[str, tuple[str | None, dict[str, Any]]]) -> dict[str, str]:
        for key, (wanted, _) in items.items():
            check_etag(key, wanted, self._docs[key].etag if key in self._docs else None)
        etags: dict[str, str] = {}
        for key, (_, data) in items.items():
            etags[key] = uuid.uuid4().hex
            # Through JSON, as the other stores do: what cannot be stored fails here too.
            self._docs[key] = Doc(etags[key], json.loads(json.dumps(data)))
        return etags

    def doc_keys(self) -> list[str]:
        """Every document's key (tests look at what a turn saved)."""
        return list(self._docs)

    async def delete(self, keys: list[str]) -> None:
        for key in keys:
            self._docs.pop(key, None)

    def turn(self, key: str) -> AbstractAsyncContextManager[None]:
        return self._turns.hold(key)

    async def processed(self, key: str) -> bool:
        at = self._processed.get(key)
        return at is not None and at > self._clock() - PROCESSED_TTL_SECONDS

    async def mark_processed(self, key: str) -> None:
        now = self._clock()
        self._processed[key] = now
        for old in [k for k, at in self._processed.items() if at <= now - PROCESSED_TTL_SECONDS]:
            del self._processed[old]

    async def claim(self, key: str, *, by: str) -> Claim:
        existing = self._claims.get(key)
        if existing is not None:
            return existing
        self._claims[key] = Claim(key, "claimed", by, self._clock())
        return Claim(key, "claimed", by, self._claims[key].at, fresh=True)

    async def lookup_claim(self, key: str) -> Claim | None:
        return self._claims.get(key)

    async def finish(self, key: str, result: dict[str, Any]) -> None:
        claim = self._claims[key]
        self._claims[key] = Claim(key, "done", claim.by, claim.at, result=dict(result))

    async def release(self, key: str) -> None:
        self._claims.pop(key, None)

    async def record(self, entry: AuditEntry) -> None:
        self._audit.append(entry)

    async def audit_log(self, limit: int = 100) -> list[AuditEntry]:
        return list(reversed(self._audit))[:limit]

    async def secret(self, name: str) -> str:
        return self._secrets.setdefault(name, secrets.token_urlsafe(32))
