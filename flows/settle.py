"""Settling a write whose writer died: read HubSpot and say what it holds.

Why: an instance killed after claiming a write (bots/inbox.py runs the turn again elsewhere)
leaves a claim "claimed" and an "attempted" record. Telling the user "I can't tell whether this
was saved" was wrong both ways: most such writes never reached HubSpot, and the ones that did
had no applied record. HubSpot can say: a create is read by its email, an update by the
contact's id, and the values the write would have set are compared with what is there.

Why the writer is surely gone: a claimed write is settled only by a turn of the conversation
that made it (the record names it), and turns of one conversation hold the store's turn lock
(`Store.turn`, across instances; PostgreSQL drops it the moment its holder's connection dies).
So while this turn runs, the writer's turn is not running: it ended (having said "may have been
written" when HubSpot did not answer) or its instance died. A request the dead writer sent may
still be on its way, though, so nothing is read before the writer's own deadline for HubSpot
(`ContactsService.action_seconds`, plus a margin) has passed since the claim: a read before
that could find "not saved" and offer a second write while the first is still landing.

The answer: SAVED (the claim is done, the record applied, still naming who asked), NOT_SAVED
(the claim is given back, the record not-done: the user may do it again) or UNKNOWN (HubSpot
could not be read, or holds a mix: the record says may-have-been-written, the claim stays).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from contacts import evidence
from contacts.errors import ContactNotFound, ContactsError
from contacts.model import Contact
from contacts.service import ContactsService
from flows.writes import Actor, WriteLedger
from ground.ids import conversation_key
from store import AuditEntry, Claim
from store.base import APPLIED, OPEN_OUTCOMES

KEPT = (APPLIED, *OPEN_OUTCOMES)  # the update records that say a value may be that update's
MARGIN_SECONDS = 3.0  # past the writer's deadline: a request it sent has landed or failed
# What identifies a created contact as the one this create asked for (a phone is stored as
# HubSpot formats it, so it is left out).
CREATE_FIELDS = ("email", "firstname", "lastname", "company", "jobtitle")


class Settled(StrEnum):
    SAVED = "saved"
    NOT_SAVED = "not_saved"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Settlement:
    outcome: Settled
    attempt: AuditEntry
    contact: Contact | None = None  # as HubSpot holds it now, when read


class Settler:
    def __init__(
        self,
        *,
        contacts: ContactsService,
        ledger: WriteLedger,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._contacts = contacts
        self._ledger = ledger
        self._clock = clock
        self._sleep = sleep

    async def settle(self, claim: Claim, actor: Actor) -> Settlement | None:
        """What became of the write claimed in `claim`, which `actor`'s turn met; None when
        there is nothing to settle here (not claimed, no open record, another conversation's),
        and the caller says what it said before."""
        if claim.state != "claimed":
            return None
        attempt = await self._ledger.open_attempt(claim.key)
        if attempt is None or (
            attempt.channel != actor.channel
            or conversation_key(attempt.conversation) != conversation_key(actor.conversation)
        ):
            return None
        wait = claim.at + self._contacts.action_seconds + MARGIN_SECONDS - self._clock()
        if wait > 0:
            await self._sleep(wait)
        return await self._resolve(claim, attempt)

    async def resolve(self, claim: Claim, attempt: AuditEntry) -> Settled:
        """Read HubSpot for `attempt` (the open record of `claim`) and resolve it, now: for a
        caller that knows the writer's requests can no longer land (flows/settle_sweep.py)."""
        return (await self._resolve(claim, attempt)).outcome

    async def _resolve(self, claim: Claim, attempt: AuditEntry) -> Settlement:
        if attempt.action == "update":
            outcome, contact = await self._read_update(attempt)
        else:
            outcome, contact = await self._read_create(attempt)
        if outcome is Settled.UNKNOWN:
            await self._ledger.still_in_doubt(claim.key, attempt)
        else:
            saved = contact.id if outcome is Settled.SAVED and contact is not None else None
            await self._ledger.settled(claim.key, attempt, saved=saved)
        return Settlement(outcome, attempt, contact)

    async def _read_update(self, attempt: AuditEntry) -> tuple[Settled, Contact | None]:
        try:
            current = await self._contacts.get(attempt.contact_id)
        except ContactNotFound:
            return Settled.NOT_SAVED, None
        except ContactsError:
            return Settled.UNKNOWN, None
        changed = {k: v for k, v in attempt.properties.items() if attempt.old.get(k, "") != v}
        held = [evidence.same(k, v, current.get(k)) for k, v in changed.items()]
        if all(held):
            return Settled.SAVED, current
        # An update is one PATCH: all of it or none. Some fields new and some not means
        # someone else wrote since, and nobody can say whose the rest is.
        return (Settled.NOT_SAVED if not any(held) else Settled.UNKNOWN), current

    async def _read_create(self, attempt: AuditEntry) -> tuple[Settled, Contact | None]:
        email = attempt.target or attempt.properties.get("email", "")
        if not email.strip():
            return Settled.UNKNOWN, None  # only a search could find it, and search lags
        try:
            found = await self._contacts.find_by_email(email)
        except ContactsError:
            return Settled.UNKNOWN, None
        if found is None:
            return Settled.NOT_SAVED, None
        if _carries(found, attempt.properties) or await self._changed_since(found, attempt):
            return Settled.SAVED, found
        return Settled.NOT_SAVED, found  # someone else's contact holds the email

    async def _changed_since(self, found: Contact, attempt: AuditEntry) -> bool:
        """The create's values, but for fields that updates of this very contact recorded
        since (applied, or still open) set to what it holds now: a contact made by this create
        and edited afterwards (a sweep reads late, after the user found it and changed it)."""
        asked = {k: v for k, v in attempt.properties.items() if k in CREATE_FIELDS and v}
        differ = {k for k, v in asked.items() if not evidence.same(k, v, found.get(k))}
        if not differ or "email" in differ:
            return not differ
        for entry in await self._ledger.history(found.id):
            # An update still open counts too: it set the field to what HubSpot holds, and
            # is settled on its own (its record, not this one, says whether it was saved).
            if entry.action == "update" and entry.outcome in KEPT and entry.at >= attempt.at:
                differ -= {
                    k
                    for k, v in entry.properties.items()
                    if k in differ and evidence.same(k, v, found.get(k))
                }
        return not differ


def _carries(contact: Contact, asked: Mapping[str, str]) -> bool:
    """The create's identifying values held as HubSpot stores them (contacts.evidence)."""
    fields = {k: v for k, v in asked.items() if k in CREATE_FIELDS and v}
    return evidence.carries(contact, fields)
