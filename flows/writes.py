"""Every write to HubSpot a turn makes: claimed in the store first, recorded after.

Why claim first: a Confirm can reach two instances at once, be redelivered by Teams, or be
replayed after a crash. Whoever takes the claim writes; everyone else is told what happened
instead of writing again. A claim whose writer died before saying how it went stays "claimed";
the turn that meets it reads HubSpot to learn how it went (flows/settle.py).

Why an "attempted" record with the claim: an instance killed between HubSpot's answer and the
record would leave a write HubSpot holds that the log lacks. So a claimed write (`claim` given
what it will write) goes into the audit log as "attempted" in the claim's own transaction,
naming who asked and the values, and that one record is resolved in place: "applied" (HubSpot
confirmed it: with the claim's "done"), "not-done" (HubSpot did not take it: the claim is
given back), "may-have-been-written" (HubSpot was asked and did not say how it went), or
"refused" (the bot said no after the claim, e.g. a contact changed since its preview). Writes
refused before any claim (a read-only user, a user the access lists keep out, a value that does
not validate, an email already taken) are recorded "refused" on their own. Opening a form or
pressing a welcome button is not a write and is not recorded; neither is a second Confirm told
"already saved" (the first is the write).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from cards import text
from cards.times import from_timestamp, local_time
from store import AuditEntry, Claim, Store
from store.base import APPLIED, ATTEMPTED, IN_DOUBT, NOT_DONE, REFUSED


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

    async def claim(
        self,
        key: str,
        actor: Actor,
        *,
        action: str = "",
        contact_id: str = "",
        properties: Mapping[str, str] | None = None,
        old: Mapping[str, str] | None = None,
    ) -> Claim:
        """Take the write `key` for `actor`, or learn who took it (`Claim.fresh` says which).
        Given the `action` it will make, the write is recorded "attempted" with the claim (in
        one transaction), with what a takeover needs to read HubSpot for it: the contact (or
        the create's email), the new values and the old ones."""
        if not action:
            return await self._store.claim(key, by=actor.id)
        entry = self._entry(actor, action, contact_id, properties or {}, old, ATTEMPTED)
        return await self._store.claim_attempt(key, by=actor.id, attempt=entry)

    async def lookup(self, key: str) -> Claim | None:
        """The claim on `key`, if anyone took it."""
        return await self._store.lookup_claim(key)

    async def _made_before(self, contact_id: str) -> bool:
        """Is a create of this contact recorded applied already? One contact, one create."""
        return any(
            e.action == "create" and e.outcome == APPLIED and e.contact_id == contact_id
            for e in await self.history(contact_id)
        )

    async def history(self, contact_id: str) -> list[AuditEntry]:
        """The newest records about one contact (what a settlement checks later edits by)."""
        return await self._store.audit_log(200, contacts=(contact_id,))

    async def open_attempt(self, key: str) -> AuditEntry | None:
        """The record of the write claimed under `key` while nobody knows how it went."""
        return await self._store.open_attempt(key)

    async def settled(self, key: str, attempt: AuditEntry, *, saved: str | None) -> None:
        """A takeover read HubSpot: the write is there (`saved`: the contact's id; the claim is
        done and the record applied, still naming who asked), it is not (None: the claim is
        given back, the record not-done)."""
        if saved is None or (attempt.action == "create" and await self._made_before(saved)):
            await self._store.release(key)
            return
        entry = replace(attempt, at=self._clock(), contact_id=saved, outcome=APPLIED, target="")
        await self._store.finish(key, {"contact_id": saved}, audit=entry)

    async def still_in_doubt(self, key: str, attempt: AuditEntry) -> None:
        """A takeover could not read HubSpot: the record says so; the claim stays taken."""
        await self._store.resolve(key, replace(attempt, outcome=IN_DOUBT))

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
        """The write went through: close its claim (if it had one) and record it, together.
        A create of a contact another record already names as created (the same user's
        earlier message, settled meanwhile) is that one's write: this record says not-done."""
        made_before = action == "create" and await self._made_before(contact_id)
        entry = self._entry(actor, action, contact_id, properties, old, APPLIED)
        if made_before:
            entry = replace(entry, outcome=NOT_DONE)
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
        key: str | None = None,
    ) -> None:
        """HubSpot was asked and did not say how it went: recorded so (the claim `key`'s
        attempted record becomes this); the claim stays taken."""
        entry = self._entry(actor, action, contact_id, properties, old, IN_DOUBT)
        if key is None:
            await self._store.record(entry)
        else:
            await self._store.resolve(key, entry)

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
        key: str | None = None,
    ) -> None:
        """The bot refused the write before HubSpot was asked (`reason`: see AuditEntry).
        With the claim `key`: the claim is given back and its attempted record says this."""
        entry = self._entry(actor, action, contact_id, properties or {}, old, REFUSED)
        entry = replace(entry, reason=reason, target=(target or entry.target)[:200])
        if key is None:
            await self._store.record(entry)
        else:
            await self._store.release(key, audit=entry)

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
        """Nothing was written: the claim is given back, so the same write may be tried again
        (its attempted record, if any, becomes not-done)."""
        await self._store.release(key)


def earlier_write_text(lang: str, claim: Claim, actor: Actor) -> str:
    """What to tell someone whose write was claimed before (the claim is not `fresh`)."""
    if claim.state != "done":
        return text(lang, "write_in_doubt")
    when = local_time(lang, from_timestamp(claim.at), actor.zone)
    key = "already_saved_by_you" if claim.by == actor.id else "already_saved_by_other"
    return text(lang, key, when=when)
