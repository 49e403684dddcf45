"""Ended cards, kept so that any used card's final state can be shown again.

Why: Teams asks for a card's state on every refresh (each viewer, each time the chat is
opened) and a second Execute of a used button must answer the card's end ("✓ Saved by ..."),
however many cards came after it. Keeping the final cards whole in the conversation's state
would make the state (read and written on every turn) grow without end, and keeping the last
few only made an older card "expired". So an ended card is kept twice, compactly:

- in the conversation's state (`ConversationData.cards["ended"]`): its kind, outcome, status
  line and the final card compressed (zlib, base64), the newest first out only when the
  entries pass MAX_STATE_BYTES (a size bound, not a count: a results page ends as a big card,
  a "replaced" as a small one);
- in the store, one document per card (`ground.ids.ended_card_key`), written once when the
  card ends and read only when the state no longer has it.

When only the status line is known (a card ended before this was kept, or a client without
Universal Actions, whose final card the chat already shows), `rebuilt` makes a card of it.
"""

from __future__ import annotations

import base64
import json
import logging
import zlib
from typing import Any

from cards.lifecycle import ended
from ground.ids import ended_card_key
from store import Store

log = logging.getLogger(__name__)

MAX_STATE_BYTES = 24_000  # the ended cards the conversation's state carries (JSON, compressed)


def packed(kind: str, outcome: str, status: str, card: dict[str, Any] | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"kind": kind, "outcome": outcome, "status": status}
    if card is not None:
        raw = json.dumps(card, separators=(",", ":"), ensure_ascii=False).encode()
        entry["z"] = base64.b64encode(zlib.compress(raw, 9)).decode("ascii")
    return entry


def unpacked(entry: dict[str, Any]) -> dict[str, Any] | None:
    """The final card an entry keeps (None when it keeps none or it cannot be read)."""
    if isinstance(entry.get("card"), dict):  # kept whole by an earlier version
        return entry["card"]  # type: ignore[no-any-return]
    z = entry.get("z")
    if not isinstance(z, str):
        return None
    try:
        card = json.loads(zlib.decompress(base64.b64decode(z)))
    except (ValueError, zlib.error):
        return None
    return card if isinstance(card, dict) else None


def rebuilt(entry: dict[str, Any]) -> dict[str, Any] | None:
    """The final card, or one made of the status line alone; None without either."""
    card = unpacked(entry)
    if card is not None:
        return card
    status = str(entry.get("status") or "")
    if not status:
        return None
    blank = {"type": "AdaptiveCard", "version": "1.5", "body": []}
    return ended(blank, status, str(entry.get("outcome") or "done"))


def keep_in_state(book: dict[str, Any], card_id: str, entry: dict[str, Any]) -> None:
    """Add `entry`; drop the oldest ones while the kept entries pass MAX_STATE_BYTES."""
    book.pop(card_id, None)
    book[card_id] = entry
    size = sum(_size(k, v) for k, v in book.items())
    while size > MAX_STATE_BYTES and len(book) > 1:
        oldest = next(iter(book))
        size -= _size(oldest, book.pop(oldest))


def _size(card_id: str, entry: Any) -> int:
    return len(card_id) + len(json.dumps(entry, separators=(",", ":")))


class EndedArchive:
    """The store's copy of every ended card of one conversation."""

    def __init__(self, store: Store, channel: str, conversation: str) -> None:
        self._store = store
        self._channel = channel
        self._conversation = conversation

    def _key(self, card_id: str) -> str:
        return ended_card_key(self._channel, self._conversation, card_id)

    async def put(self, card_id: str, entry: dict[str, Any]) -> None:
        try:
            await self._store.write({self._key(card_id): (None, dict(entry))})
        except Exception as exc:  # the state keeps it for a while all the same
            log.warning("could not keep an ended card: %s", type(exc).__name__)

    async def get(self, card_id: str) -> dict[str, Any] | None:
        key = self._key(card_id)
        try:
            docs = await self._store.read([key])
        except Exception as exc:
            log.warning("could not read an ended card: %s", type(exc).__name__)
            return None
        doc = docs.get(key)
        return dict(doc.data) if doc is not None else None
