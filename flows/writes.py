"""Every write to HubSpot a turn makes: claimed in the store first, recorded after.

Why claim first: a Confirm can reach two instances at once, be redelivered by Teams, or be
replayed after a crash. Whoever takes the claim writes; everyone else is told what happened
instead of writing again. A claim whose writer died before saying how it went stays "claimed",
and the user is told the truth: it may or may not have been saved.

The audit log records every write a user asked for, with one of three outcomes: "applied"
(HubSpot confirmed it; the row goes in with the claim's "done", in one transaction),
"may-have-been-written" (HubSpot was asked and did not answer how it went) and "refused" (the
bot said no before HubSpot was asked: a read-only user, a user the access lists keep out, a
value that does not validate, an email already taken, a contact changed since its preview).
Opening a form or pressing a welcome button is not a write and is not recorded; neither is a
second Confirm told "already saved" (the first is the write).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from cards import text
from cards.times import from_timestamp, local_time
from store import AuditEntry, Claim, Store
from store.base import APPLIED, IN_DOUBT, REFUSED


@dataclass(frozen=True)
class Actor:
    """Who a turn acts for, as its channel named them. `email` and `tenant` only where the
    channel vouches for them (Teams' tenant, a signed-in page user's claims; see
    bots/access.py), else "". `zone`: their time zone when the channel said it (the times
    they are told are in it), else ""."""

    id: str
    name: str
    channel: str
    conversation: str
    email: str = ""
    tenant: str = ""
    zone: str = ""


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
        old: Mapping[str, str] | None = None,
        result: dict[str, Any] | None = None,
    ) -> None:
        """The write went through: close its claim (if it had one) and record it, together."""
        entry = self._entry(actor, action, contact_id, properties, old, APPLIED)
        if key is None:
            await self._store.record(entry)
        else:
            await self._store.finish(key, {"contact_id": contact_id, **(result or {})}, audit=entry)

    async def in_doubt(
        self,
        actor: Actor,
        *,
        action: str,
        contact_id: str,
        properties: Mapping[str, str],
        old: Mapping[str, str] | None = None,
    ) -> None:
        """HubSpot was asked and did not say how it went: recorded so; the claim stays taken."""
        await self._store.record(self._entry(actor, action, contact_id, properties, old, IN_DOUBT))

    async def refused(
        self,
        actor: Actor,
        *,
        action: str,
        reason: str,
        contact_id: str = "",
        properties: Mapping[str, str] | None = None,
        old: Mapping[str, str] | None = None,
        target: str = "",
    ) -> None:
        """The bot refused the write before HubSpot was asked (`reason`: see AuditEntry)."""
        entry = self._entry(actor, action, contact_id, properties or {}, old, REFUSED)
        await self._store.record(
            replace(entry, reason=reason, target=(target or entry.target)[:200])
        )

    def _entry(
        self,
        actor: Actor,
        action: str,
        contact_id: str,
        properties: Mapping[str, str],
        old: Mapping[str, str] | None,
        outcome: str,
    ) -> AuditEntry:
        return AuditEntry(
            at=self._clock(),
            actor_id=actor.id,
            actor_name=actor.name,
            channel=actor.channel,
            conversation=actor.conversation,
            action=action,
            contact_id=contact_id,
            properties={k: str(v) for k, v in properties.items()},
            old={k: str(v) for k, v in (old or {}).items()},
            outcome=outcome,
            actor_email=actor.email,
            actor_tenant=actor.tenant,
            # A create not (surely) made has no id yet: its email names it in the history.
            target=""
            if contact_id or action != "create"
            else (properties.get("email") or "").strip().lower(),
        )

    async def not_done(self, key: str) -> None:
        """Nothing was written: the claim is given back, so the same write may be tried again."""
        await self._store.release(key)


def earlier_write_text(lang: str, claim: Claim, actor: Actor) -> str:
    """What to tell someone whose write was claimed before (the claim is not `fresh`)."""
    if claim.state != "done":
        return text(lang, "write_in_doubt")
    when = local_time(lang, from_timestamp(claim.at), actor.zone)
    key = "already_saved_by_you" if claim.by == actor.id else "already_saved_by_other"
    return text(lang, key, when=when)
