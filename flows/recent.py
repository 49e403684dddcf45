"""The contacts a user saw lately, per user and across conversations and instances: what the
compose-box search offers before anything is typed.

Kept as one small document per user in the store (`Store.read` / `Store.write` with eTags, the
same documents conversation state uses), so every instance, on memory, SQLite or PostgreSQL,
reads the same list. Only contact ids are kept; the cards are read fresh from HubSpot.
"""

from __future__ import annotations

import hashlib
import logging

from store import Store
from store.base import EtagConflict

log = logging.getLogger(__name__)

KEEP = 10  # the compose box lists a handful; ten is plenty
_TRIES = 3


def user_key(channel: str, user_id: str) -> str:
    """The document key of a user's list; the id is hashed, so the key names nobody."""
    digest = hashlib.sha256(f"{channel}\x00{user_id}".encode()).hexdigest()[:32]
    return f"recent-contacts/{digest}"


class RecentContacts:
    def __init__(self, store: Store, *, keep: int = KEEP) -> None:
        self._store = store
        self._keep = keep

    async def ids(self, user: str) -> list[str]:
        """Newest first; [] for a user never seen (or when the store cannot say)."""
        try:
            docs = await self._store.read([user])
        except Exception as exc:  # noqa: BLE001 - the list is a convenience, never the answer
            log.warning("recent contacts not read: %s", type(exc).__name__)
            return []
        doc = docs.get(user)
        ids = doc.data.get("ids") if doc is not None else None
        return [str(i) for i in ids if str(i).isdigit()] if isinstance(ids, list) else []

    async def saw(self, user: str, contact_ids: list[str]) -> None:
        """Put these first (in this order), keep the newest `keep`. Two instances adding at once
        both land: a lost eTag race reads again and retries. Never fails the caller."""
        fresh = [i for i in dict.fromkeys(contact_ids) if i.isdigit()]
        if not fresh:
            return
        for _ in range(_TRIES):
            try:
                docs = await self._store.read([user])
                doc = docs.get(user)
                old = doc.data.get("ids", []) if doc is not None else []
                ids = (fresh + [i for i in old if i not in fresh])[: self._keep]
                await self._store.write({user: (doc.etag if doc else None, {"ids": ids})})
                return
            except EtagConflict:
                continue
            except Exception as exc:  # noqa: BLE001 - the search answered; this is a nicety
                log.warning("recent contacts not kept: %s", type(exc).__name__)
                return
