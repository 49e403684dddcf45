"""Merging two contacts: a preview, then Confirm, written once (issue 28).

Why a preview: a merge cannot be undone (HubSpot's merge endpoint archives the other contact
for good), so the card says which contact stays (the older by default; a button keeps the
other instead), the values the merged contact will have (contacts/dedupe.py `merged_values`,
HubSpot's rule) and that it cannot be undone. The merge waits in conversation state under a
held id (`ConversationData.hold`); Confirm takes it out and claims it (ground/ids.py
`merge_claim_key`) before HubSpot is called, so a second Confirm, a redelivery or another
instance writes nothing and is told how the first went. The audit log keeps both ids, who and
when (flows/writes.py, action "merge"). Afterwards the merged-away id opens the kept contact
(HubSpot resolves it).
"""

from __future__ import annotations

import cards
from cards import text
from cards.duplicate_cards import merge_card
from cards.lifecycle import CardKind, Outcome
from contacts.dedupe import merged_values
from contacts.errors import ContactsError, HubSpotUnavailable, RateLimited
from contacts.service import ContactsService
from flows.turn import Turn
from flows.writes import WriteLedger, earlier_write_text
from ground.ids import merge_claim_key

HELD_MERGE = "merge"


def _ids(keep: str, other: str) -> dict[str, str]:
    """What the audit log keeps of a merge besides who and when: both ids."""
    return {"primary_id": keep, "merged_id": other}


class MergeFlow:
    def __init__(self, *, contacts: ContactsService, ledger: WriteLedger) -> None:
        self._contacts = contacts
        self._ledger = ledger

    async def preview(
        self, turn: Turn, keep_id: str, other_id: str, *, chosen: bool = False
    ) -> None:
        """The merge's preview card (nothing is written). Two ids that are one contact now
        (merged before) are said so."""
        try:
            keep = await self._contacts.get(keep_id)
            other = await self._contacts.get(other_id)
        except ContactsError as exc:
            await turn.failed(exc)
            return
        if keep.id == other.id:
            await turn.say(text(turn.lang, "merge_already", name=keep.display_name))
            return
        held_id = turn.data.hold(HELD_MERGE, {"keep": keep.id, "other": other.id, "chosen": chosen})
        turn.data.remember_ids([keep.id, other.id])
        turn.data.focus_on([keep.id, other.id])
        await turn.checkpoint()
        values = merged_values(keep, other)
        card = merge_card(turn.lang, turn.nonce, keep, other, values, held_id, chosen=chosen)
        await turn.card(card, kind=CardKind.MERGE)

    async def swap(self, turn: Turn, held_id: str) -> None:
        """Keep the other contact instead: a new preview, the old card ends replaced."""
        held = turn.data.take_held(held_id, HELD_MERGE)
        if held is None:
            turn.cards.outcome(Outcome.EXPIRED)
            await turn.say(text(turn.lang, "held_expired"))
            return
        turn.cards.outcome(Outcome.REPLACED)
        await self.preview(turn, str(held["other"]), str(held["keep"]), chosen=True)

    async def cancel(self, turn: Turn, held_id: str) -> None:
        if turn.data.take_held(held_id, HELD_MERGE) is None:
            turn.cards.outcome(Outcome.EXPIRED)
            await turn.say(text(turn.lang, "held_expired"))
            return
        turn.cards.outcome(Outcome.CANCELLED)

    async def confirm(self, turn: Turn, held_id: str) -> None:
        """Merge at most once: the claim is taken before HubSpot is called."""
        actor = await turn.writer()
        key = merge_claim_key(actor.channel, actor.conversation, held_id)
        held = turn.data.take_held(held_id, HELD_MERGE)
        if held is None:
            turn.cards.outcome(Outcome.EXPIRED)
            earlier = await self._ledger.lookup(key)
            if earlier is None:
                await turn.say(text(turn.lang, "held_expired"))
            else:
                await turn.say(earlier_write_text(turn.lang, earlier, actor))
            return
        keep, other = str(held["keep"]), str(held["other"])
        claim = await self._ledger.claim(key, actor)
        if not claim.fresh:
            turn.cards.outcome(Outcome.DONE if claim.state == "done" else Outcome.IN_DOUBT)
            await turn.say(earlier_write_text(turn.lang, claim, actor))
            return
        turn.cards.outcome(Outcome.NOT_SAVED)
        try:
            merged = await self._contacts.duplicates.merge(keep, other)
        except (RateLimited, HubSpotUnavailable) as exc:
            if getattr(exc, "write_may_have_happened", False):
                turn.cards.outcome(Outcome.IN_DOUBT)
                await self._ledger.in_doubt(
                    actor, action="merge", contact_id=keep, properties=_ids(keep, other)
                )
            else:
                await self._ledger.not_done(key)
                turn.data.restore_held(held_id, held)  # nothing written: may retry
                turn.cards.keep()
            await turn.failed(exc)
            return
        except ContactsError as exc:
            await self._ledger.not_done(key)
            await turn.failed(exc)
            return
        await self._ledger.done(
            key, actor, action="merge", contact_id=keep, properties=_ids(keep, other)
        )
        turn.data.focus_on([merged.id])
        turn.data.remember_ids([merged.id])
        turn.cards.outcome(Outcome.MERGED, merged.display_name)
        await turn.say(
            text(turn.lang, "merged", keep=merged.display_name, other_id=other),
            cards.contact_card(turn.lang, turn.nonce, merged, "found"),
        )
