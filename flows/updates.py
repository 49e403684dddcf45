"""The update flow: find the contact, edit, preview old -> new, Confirm once.

Why a preview: an update overwrites what a colleague may rely on, so nothing is written until the
user presses Confirm on a card showing each change. The pending change lives in conversation
state under a random id and is taken out on the first Confirm or Cancel, so a second click (or
a replayed card) writes nothing. Confirm re-reads the contact (`apply_update`); if someone
changed it since the preview, nothing is written and the current values are shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import cards
from cards import text
from cards.changes import highlight, with_all_fields
from cards.lifecycle import CardKind, Outcome
from contacts.errors import (
    ContactChanged,
    ContactNotFound,
    ContactsError,
    DuplicateContact,
    HubSpotUnavailable,
    InvalidContact,
    RateLimited,
)
from contacts.model import EDITABLE_PROPERTIES, Contact, PendingUpdate, SearchCriteria
from contacts.service import ContactsService
from flows.turn import Turn
from flows.writes import WriteLedger, earlier_write_text
from ground.ids import update_claim_key
from store import Claim

MAX_CANDIDATES = 10


def refusal_reason(exc: ContactsError) -> str:
    """The audit log's reason for a write refused because of what the user typed."""
    if isinstance(exc, InvalidContact):
        return f"invalid:{exc.field}"
    return "duplicate" if isinstance(exc, DuplicateContact) else exc.code


def _audited(pending: PendingUpdate) -> dict[str, Any]:
    """What the audit log keeps of a pending update: the contact, each field old -> new."""
    return {
        "action": "update",
        "contact_id": pending.contact_id,
        "properties": {c.field: c.new for c in pending.changes} or dict(pending.properties),
        "old": {c.field: c.old for c in pending.changes},
    }


class UpdateFlow:
    def __init__(self, *, contacts: ContactsService, ledger: WriteLedger) -> None:
        self._contacts = contacts
        self._ledger = ledger

    async def show_find_form(self, turn: Turn, intro_key: str = "chose_update") -> None:
        await turn.say(text(turn.lang, intro_key), cards.update_find_form(turn.lang, turn.nonce))

    async def find(
        self, turn: Turn, query: str, properties: Mapping[str, str] | None = None
    ) -> None:
        """Find the contact to update by email, record id or name. One match: the edit form,
        or straight to the confirmation card when the new values are already known."""
        try:
            found = await self._candidates(query)
        except ContactsError as exc:
            await turn.failed(exc)
            return
        if not found:
            await turn.say(
                text(turn.lang, "not_found", query=query),
                cards.update_find_form(turn.lang, turn.nonce),
            )
            return
        turn.data.remember_ids(c.id for c in found)
        if len(found) > 1:  # the card's intro says "several match": no line above it
            await turn.card(
                cards.pick_contact_card(turn.lang, turn.nonce, found), kind=CardKind.PICK
            )
            return
        if properties:
            await self.plan(turn, found[0], properties)
        else:
            await turn.card(cards.update_form(turn.lang, turn.nonce, found[0]))

    async def pick(self, turn: Turn, contact_id: str) -> None:
        try:
            contact = await self._contacts.get(contact_id)
        except ContactsError as exc:
            await turn.failed(exc)
            return
        turn.data.remember_ids([contact.id])
        turn.cards.outcome(Outcome.PICKED, contact.display_name)
        await turn.card(cards.update_form(turn.lang, turn.nonce, contact))

    async def submit(self, turn: Turn, contact_id: str, inputs: Mapping[str, str]) -> None:
        """The edit form came back: keep only the fields the user actually edited (a value
        shown as stored and sent back unchanged is not a change), then preview."""
        try:
            contact = await self._contacts.get(contact_id)
        except ContactsError as exc:
            await turn.failed(exc)
            return
        edited = {
            k: v for k, v in inputs.items() if not self._same(k, v, contact.get(k), turn.region)
        }
        await self.plan(turn, contact, edited)

    def _same(self, name: str, typed: str, stored: str, region: str | None) -> bool:
        """Whether a value sent back is the stored one, as shown ("010-1234-5678" is
        "+821012345678"): compared as the contact would store it."""
        if typed.strip() == stored.strip():
            return True
        try:
            values = self._contacts.normalise({name: typed}, region=region, partial=True)
        except InvalidContact:
            return False
        return bool(values) and values.get(name) == stored

    async def plan(self, turn: Turn, contact: Contact, properties: Mapping[str, str]) -> None:
        try:
            pending = await self._contacts.plan_update(
                contact.id, dict(properties), region=turn.region
            )
        except (InvalidContact, DuplicateContact) as exc:
            await self._ledger.refused(
                await turn.writer(),
                action="update",
                reason=refusal_reason(exc),
                contact_id=contact.id,
                properties=properties,
                old={k: contact.get(k) for k in properties},
            )
            message = cards.error_text(turn.lang, exc)
            turn.said.append(message)
            await turn.card(cards.update_form(turn.lang, turn.nonce, contact, message))
            return
        except ContactsError as exc:
            await turn.failed(exc)
            return
        await self.ask_confirm(turn, pending, contact=contact)

    async def ask_confirm(
        self,
        turn: Turn,
        pending: PendingUpdate,
        intro: str = "",
        *,
        contact: Contact | None = None,
    ) -> None:
        """Store the pending change and show old -> new with Confirm / Cancel (the card says
        nothing is saved before Confirm, so no line above it repeats that; `intro` is the
        agent's own reply). `contact`, when known, puts its other fields behind "show all".
        The agent's prepared updates come through here too, so both paths confirm alike."""
        pending_id = turn.data.add_pending(pending)
        turn.data.remember_ids([pending.contact_id])
        await turn.checkpoint()
        card = cards.confirm_update_card(turn.lang, turn.nonce, pending, pending_id)
        if contact is not None:
            card = with_all_fields(
                card,
                turn.lang,
                {name: contact.get(name) for name in EDITABLE_PROPERTIES},
                [c.field for c in pending.changes],
            )
        await turn.say(intro, card, kind=CardKind.CONFIRM)

    async def confirm(self, turn: Turn, pending_id: str) -> None:
        """Apply a pending update at most once: its claim is taken before HubSpot is called, so
        a second Confirm (a double click, another instance, a redelivery, a replay after a
        crash) is told what became of the first instead of writing."""
        actor = await turn.writer()
        key = update_claim_key(actor.channel, actor.conversation, pending_id)
        pending = turn.data.take_pending(pending_id)
        if pending is None:
            turn.cards.outcome(Outcome.EXPIRED)
            earlier = await self._ledger.lookup(key)
            if earlier is None:
                await turn.say(text(turn.lang, "update_expired"))
            else:
                await turn.say(earlier_write_text(turn.lang, earlier, actor))
            return
        claim = await self._ledger.claim(key, actor)
        if not claim.fresh:
            await self._tell_earlier(turn, claim, pending)
            return
        turn.cards.outcome(Outcome.NOT_SAVED)
        try:
            contact = await self._contacts.apply_update(pending)
        except ContactChanged as exc:
            await self._ledger.not_done(key)
            await self._ledger.refused(actor, reason="changed", **_audited(pending))
            await turn.failed(
                exc,
                cards.contact_card(
                    turn.lang,
                    turn.nonce,
                    exc.current,
                    "found",
                    owner=await self.owner_name(exc.current),
                ),
            )
            return
        except (RateLimited, HubSpotUnavailable) as exc:
            if not getattr(exc, "write_may_have_happened", False):
                await self._ledger.not_done(key)
                turn.data.restore_pending(pending_id, pending)  # nothing written: may retry
                turn.cards.keep()
            else:
                turn.cards.outcome(Outcome.IN_DOUBT)
                await self._ledger.in_doubt(actor, **_audited(pending))
            await turn.failed(exc)
            return
        except ContactsError as exc:
            await self._ledger.not_done(key)
            await turn.failed(exc)
            return
        await self._ledger.done(key, actor, **_audited(pending))
        turn.cards.outcome(Outcome.SAVED)
        card = cards.contact_card(
            turn.lang, turn.nonce, contact, "updated", owner=await self.owner_name(contact)
        )
        # The card's headline says "Contact updated": no line above it says it again.
        await turn.card(highlight(card, turn.lang, {c.field: c.old for c in pending.changes}))

    async def refuse(self, turn: Turn, pending_id: str, reason: str) -> None:
        """A Confirm the access policy refused (a read-only user's card from before they were
        made read-only): recorded as refused; the pending change stays as it was."""
        pending = turn.data.take_pending(pending_id)
        if pending is not None:
            turn.data.restore_pending(pending_id, pending)
            await self._ledger.refused(await turn.writer(), reason=reason, **_audited(pending))

    async def _tell_earlier(self, turn: Turn, claim: Claim, pending: PendingUpdate) -> None:
        """The claim was taken before: say how that went, with the contact as it is now."""
        turn.cards.outcome(Outcome.DONE if claim.state == "done" else Outcome.IN_DOUBT)
        try:
            current = await self._contacts.get(pending.contact_id)
        except ContactsError:
            current = None
        card = (
            cards.contact_card(
                turn.lang, turn.nonce, current, "found", owner=await self.owner_name(current)
            )
            if current is not None
            else None
        )
        await turn.say(earlier_write_text(turn.lang, claim, turn.actor), card)

    async def answer(self, turn: Turn, *, yes: bool) -> None:
        """A typed "yes" / "취소": answers the newest card waiting for confirmation, exactly as
        pressing its Confirm or Cancel would."""
        newest = next(reversed(turn.data.pending), None)
        if newest is None:
            await turn.say(text(turn.lang, "nothing_waiting"))
            return
        turn.cards.act_on_live(CardKind.CONFIRM)  # the card ends in the chat as if pressed
        if yes:
            await self.confirm(turn, newest)
        else:
            await self.cancel(turn, newest, typed=True)

    async def owner_name(self, contact: Contact) -> str:
        """The name of the contact's HubSpot owner for its card ('' when none or unknown)."""
        owners = self._contacts.owners
        if not contact.owner_id or owners is None:
            return ""
        return await owners.name_of(contact.owner_id)

    async def cancel(self, turn: Turn, pending_id: str, *, typed: bool = False) -> None:
        """Drop the pending change for good. A Cancel pressed on the card is answered by the
        card itself (it ends saying so); a typed "cancel" gets its answer in words too."""
        if turn.data.take_pending(pending_id) is None:
            turn.cards.outcome(Outcome.EXPIRED)
            await turn.say(text(turn.lang, "update_expired"))
            return
        turn.cards.outcome(Outcome.CANCELLED)
        if typed:
            await turn.say(text(turn.lang, "update_cancelled"))

    async def _candidates(self, query: str) -> list[Contact]:
        q = query.strip()
        key = q.lstrip("#")
        if key.isdigit():
            try:
                return [await self._contacts.get(key)]
            except ContactNotFound:
                return []
        if "@" in q:
            try:
                found = await self._contacts.find_by_email(q)
            except InvalidContact:
                found = None
            if found is not None:
                return [found]
        for criteria in (SearchCriteria(name=q), SearchCriteria(text=q)):
            try:
                page = await self._contacts.search(criteria, limit=MAX_CANDIDATES)
            except InvalidContact:
                continue
            if page.results:
                return page.results[:MAX_CANDIDATES]
        return []
