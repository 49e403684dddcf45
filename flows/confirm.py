"""Confirmations: an update waits on a card showing old -> new until Confirm, and is written once.

Why a preview: an update overwrites what a colleague may rely on, so nothing is written until the
user presses Confirm on a card showing each change. The pending change lives in conversation
state under a random id and is taken out on the first Confirm or Cancel, so a second click (or
a replayed card) writes nothing. Confirm re-reads the contact (`apply_update`); if someone
changed it since the preview, nothing is written and the current values are shown.

Nothing asked for is dropped unsaid: a second change to the same contact joins the waiting one
on one card; a change to another contact waits (`queued`) until the first is saved or dropped.
"""

from __future__ import annotations

import time
from typing import Any

import cards
from cards import text
from cards.changes import highlight, with_all_fields
from cards.lifecycle import CardKind, Outcome
from contacts import deadline
from contacts.errors import (
    ContactChanged,
    ContactsError,
    HubSpotUnavailable,
    RateLimited,
)
from contacts.model import EDITABLE_PROPERTIES, Contact, PendingUpdate
from contacts.service import ContactsService
from flows.settle import Settled, Settler
from flows.turn import Turn
from flows.writes import WriteLedger, earlier_write_text
from ground.ids import update_claim_key
from store import Claim


def _audited(pending: PendingUpdate) -> dict[str, Any]:
    """What the audit log keeps of a pending update: the contact, each field old -> new."""
    return {
        "action": "update",
        "contact_id": pending.contact_id,
        "properties": {c.field: c.new for c in pending.changes} or dict(pending.properties),
        "old": {c.field: c.old for c in pending.changes},
    }


class Confirmations:
    def __init__(
        self, *, contacts: ContactsService, ledger: WriteLedger, settler: Settler | None = None
    ) -> None:
        self._contacts = contacts
        self._ledger = ledger
        self._settler = settler or Settler(contacts=contacts, ledger=ledger)

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
        same = turn.data.waiting_update(pending.contact_id)
        if same is not None:  # a second change to the same contact: one card, both changes
            pending = PendingUpdate.from_dict(turn.data.pending[same[0]]).then(pending)
        elif (other := turn.data.waiting_update()) is not None:
            await self._first_things_first(turn, *other, newer=pending)
            return
        pending_id = turn.data.add_pending(pending)
        turn.data.remember_ids([pending.contact_id])
        turn.data.focus_on([pending.contact_id])
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

    async def _first_things_first(
        self, turn: Turn, pending_id: str, waiting: PendingUpdate, *, newer: PendingUpdate
    ) -> None:
        """A change to another contact while one waits for Confirm: the newer one is kept
        (`queued`) and the user is asked to save or drop the waiting one first; its card comes
        again, the newer one follows as soon as it is answered (`_show_queued`)."""
        turn.data.queue(newer)
        turn.data.take_pending(pending_id)  # shown again under a new id (the old card ends)
        pending_id = turn.data.add_pending(waiting)
        await turn.checkpoint()
        intro = text(
            turn.lang,
            "update_first_waiting",
            name=waiting.display_name or f"#{waiting.contact_id}",
            next=newer.display_name or f"#{newer.contact_id}",
        )
        card = cards.confirm_update_card(turn.lang, turn.nonce, waiting, pending_id)
        await turn.say(intro, card, kind=CardKind.CONFIRM)

    async def _show_queued(self, turn: Turn) -> None:
        """The change that waited for the one just answered: its confirmation now."""
        if turn.data.waiting_update() is not None:
            return  # the answered one is still waiting (nothing written: it may be retried)
        queued = turn.data.take_queued()
        if queued is not None:
            await self.ask_confirm(turn, queued)

    async def confirm(self, turn: Turn, pending_id: str) -> None:
        """Apply a pending update at most once, then show the change that waited for it."""
        await self._confirm(turn, pending_id)
        await self._show_queued(turn)

    async def _confirm(self, turn: Turn, pending_id: str) -> None:
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
        # The write's deadline starts before its claim (as a create's, flows/create.py).
        due = time.monotonic() + self._contacts.action_seconds
        claim = await self._ledger.claim(key, actor, **_audited(pending))
        if not claim.fresh:
            if not await self._settled(turn, claim, pending_id, pending):
                await self._tell_earlier(turn, claim, pending)
            return
        turn.cards.outcome(Outcome.NOT_SAVED)
        try:
            with deadline.until(due):
                contact = await self._contacts.apply_update(pending)
        except ContactChanged as exc:
            await self._ledger.refused(actor, reason="changed", key=key, **_audited(pending))
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
                await self._ledger.in_doubt(actor, key=key, **_audited(pending))
            await turn.failed(exc)
            return
        except ContactsError as exc:
            await self._ledger.not_done(key)
            await turn.failed(exc)
            return
        await self._ledger.done(key, actor, **_audited(pending))
        turn.data.focus_on([contact.id])
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

    async def _settled(
        self, turn: Turn, claim: Claim, pending_id: str, pending: PendingUpdate
    ) -> bool:
        """A claim whose writer was cut off: HubSpot read (flows/settle.py) and the user told
        what it holds: saved, or not (the Confirm card stays, to save it now). When HubSpot
        could not be read the card stays too: pressing it again reads HubSpot again (the
        claim is still taken, so it never writes blind). False when there was nothing to
        settle (the caller says what became of the earlier claim)."""
        settled = await self._settler.settle(claim, turn.actor)
        if settled is None:
            return False
        if settled.outcome is not Settled.SAVED:
            turn.data.restore_pending(pending_id, pending)
            turn.cards.keep()
            saved_not = settled.outcome is Settled.NOT_SAVED
            await turn.say(
                text(turn.lang, "settled_update_not_saved" if saved_not else "write_in_doubt")
            )
            return True
        contact = settled.contact
        assert contact is not None  # saved: read just now
        turn.data.focus_on([contact.id])
        turn.cards.outcome(Outcome.SAVED)
        card = cards.contact_card(
            turn.lang, turn.nonce, contact, "updated", owner=await self.owner_name(contact)
        )
        old = {c.field: c.old for c in pending.changes}
        # The card comes on its own, as after any save: its headline says "Contact updated".
        await turn.say(text(turn.lang, "settled_update_saved"))
        await turn.card(highlight(card, turn.lang, old))
        return True

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
        """Drop the pending change for good, then show the change that waited for it."""
        await self._cancel(turn, pending_id, typed=typed)
        await self._show_queued(turn)

    async def _cancel(self, turn: Turn, pending_id: str, *, typed: bool = False) -> None:
        """Drop the pending change for good. A Cancel pressed on the card is answered by the
        card itself (it ends saying so); a typed "cancel" gets its answer in words too."""
        if turn.data.take_pending(pending_id) is None:
            turn.cards.outcome(Outcome.EXPIRED)
            await turn.say(text(turn.lang, "update_expired"))
            return
        turn.cards.outcome(Outcome.CANCELLED)
        if typed:
            await turn.say(text(turn.lang, "update_cancelled"))
