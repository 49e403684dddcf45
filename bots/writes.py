"""Every write to HubSpot a turn makes: claimed in the store first, recorded after.

Why claim first: a Confirm can reach two instances at once, be redelivered by Teams, or be
replayed after a crash. Whoever takes the claim writes; everyone else is told what happened
instead of writing again. A claim whose writer died before saying how it went stays "claimed",
and the user is told the truth: it may or may not have been saved. Every write that went
through is also recorded (who, from which channel and conversation, what) in the audit log.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cards import text
from store import AuditEntry, Claim, Store


@dataclass(frozen=True)
class Actor:
    """Who a turn acts for, as its channel named them."""

    id: str
    name: str
    channel: str
    conversation: str


class WriteLedger:
    def __init__(self, store: Store, clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._clock = clock

    async def claim(self, key: str, actor: Actor) -> Claim:
        """Take the write `key` for `actor`, or learn who took it (`Claim.fresh` says which)."""
        return await self._store.claim(key, by=actor.id)

    async def lookup(self, key: str) -> Claim | None:
        """The claim on `key`, if anyone took it."""
        return await self._store.lookup_claim(key)

    async def done(
        self,
        key: str | None,
        actor: Actor,
        *,
        action: str,
        contact_id: str,
        properties: Mapping[str, str],
        result: dict[str, Any] | None = None,
    ) -> None:
        """The write went through: close its claim (if it had one) and record it, together."""
        entry = AuditEntry(
            at=self._clock(),
            actor_id=actor.id,
            actor_name=actor.name,
            channel=actor.channel,
            conversation=actor.conversation,
            action=action,
            contact_id=contact_id,
            properties=dict(properties),
        )
        if key is None:
            await self._store.record(entry)
        else:
            await self._store.finish(key, {"contact_id": contact_id, **(result or {})}, audit=entry)

    async def not_done(self, key: str) -> None:
        """Nothing was written: the claim is given back, so the same write may be tried again."""
        await self._store.release(key)


def earlier_write_text(lang: str, claim: Claim, actor: Actor) -> str:
    """What to tell someone whose write was claimed before (the claim is not `fresh`)."""
    if claim.state != "done":
        return text(lang, "write_in_doubt")
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(claim.at))
    key = "already_saved_by_you" if claim.by == actor.id else "already_saved_by_other"
    return text(lang, key, when=when)
