"""Duplicates in the chat (issue 28): possible duplicates offered before a create, and "find
duplicates" for a contact, a company or the user's own contacts.

Why a create is held: the same person typed twice ("Jon Smith, Acme, +1 415 555 0100" and
"Jonathan Smith, ACME Inc., (415) 555-0100") passes the email check, so before a create the
likely duplicates (contacts/dedupe.py: the same phone, the same name at the same company or
email domain, a near-identical name at the same company) are shown, and nothing is created
until the user chooses: "Update that one instead" opens that contact's preview with the new
values (flows/updates.py -> Confirm), "Create anyway" creates the held values once (its claim
is the held id's: flows/create.py). The held create lives in conversation state
(`ConversationData.hold`) and is taken out on first use, so a second click writes nothing.

The searches go through the adapter's request budget, shared fairly with every other turn; a
check that fails (HubSpot busy or down) costs only the warning, never the create.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from cards import OWNER_INPUT, text
from cards.duplicate_cards import duplicate_pairs_card, possible_duplicates_card
from cards.lifecycle import CardKind, Outcome
from contacts.duplicates import DuplicatePair
from contacts.errors import ContactsError, InvalidContact
from contacts.model import Contact
from contacts.service import ContactsService
from flows.turn import Turn, creator_of
from flows.updates import UpdateFlow

log = logging.getLogger(__name__)
HELD_CREATE = "create"


class DuplicateFlow:
    def __init__(self, *, contacts: ContactsService, updates: UpdateFlow) -> None:
        self._contacts = contacts
        self._updates = updates

    async def offer(self, turn: Turn, properties: Mapping[str, str], *, owner_id: str = "") -> bool:
        """Before a create: when likely duplicates exist, hold the create and show them (True:
        the caller creates nothing now); False when there are none, or the values do not
        validate (the create says so), or the check could not run."""
        try:
            values = self._contacts.normalise(properties, region=turn.region, partial=True)
        except InvalidContact:
            return False
        if not any(values.get(k) for k in ("firstname", "lastname", "phone", "mobilephone")):
            return False  # only an email: the create's own check is the one that counts
        if not self._contacts.search_is_free():
            # HubSpot's 5 searches a second are all taken (a busy team): the create goes on
            # with its own same-email check rather than queue every create behind the others.
            log.info("duplicate check before a create skipped: the search budget is busy")
            return False
        try:
            found = await self._contacts.duplicates.before_create(values, region=turn.region)
        except ContactsError as exc:
            log.info("duplicate check before a create skipped: %s", exc.code)
            return False
        email = values.get("email", "")
        if not found or (email and any(p.keep.email.lower() == email for p in found)):
            return False  # none, or the same email: the create's own check says so
        held_id = turn.data.hold(
            HELD_CREATE, {"properties": dict(properties), "owner_id": owner_id}
        )
        turn.data.remember_ids(p.keep.id for p in found)
        await turn.checkpoint()
        draft = Contact(id="new", properties=values)
        card = possible_duplicates_card(turn.lang, turn.nonce, found, draft.display_name, held_id)
        await turn.card(card, kind=CardKind.DUPLICATES)
        return True

    async def update_instead(self, turn: Turn, held_id: str, contact_id: str) -> None:
        """ "Update that one instead": the held values go to that contact's preview (old ->
        new, Confirm); the held create is dropped."""
        held = turn.data.take_held(held_id, HELD_CREATE)
        if held is None:
            turn.cards.outcome(Outcome.EXPIRED)
            await turn.say(text(turn.lang, "held_expired"))
            return
        try:
            contact = await self._contacts.get(contact_id)
        except ContactsError as exc:
            turn.data.restore_held(held_id, held)
            turn.cards.keep()
            await turn.failed(exc)
            return
        turn.cards.outcome(Outcome.PICKED, contact.display_name)
        properties = {str(k): str(v) for k, v in dict(held.get("properties") or {}).items() if v}
        properties.pop(OWNER_INPUT, None)  # the form's owner input is not a contact field
        await self._updates.plan(turn, contact, properties)

    # -- find duplicates ------------------------------------------------------------------------

    async def find(
        self, turn: Turn, *, email: str = "", company: str = "", mine: bool = False
    ) -> None:
        """Likely duplicate pairs for a contact (by email), a company, or the user's own
        contacts (`mine`, or nothing named), each with why and a Merge… button."""
        duplicates = self._contacts.duplicates
        try:
            if email:
                contact = await self._contacts.find_by_email(email)
                if contact is None:
                    await turn.say(text(turn.lang, "not_found", query=email))
                    return
                pairs = await duplicates.for_contact(contact, region=turn.region)
                where = contact.display_name
            elif company and not mine:
                pairs = await duplicates.for_company(company, region=turn.region)
                where = company
            else:
                me = await creator_of(turn)
                if me.owner is None:
                    await turn.say(text(turn.lang, "duplicates_need_owner"))
                    return
                pairs = await duplicates.for_owner(me.owner.id, region=turn.region)
                where = text(turn.lang, "duplicates_your_contacts")
        except ContactsError as exc:
            await turn.failed(exc)
            return
        await self.show(turn, pairs, where)

    async def show(self, turn: Turn, pairs: list[DuplicatePair], where: str) -> None:
        if not pairs:
            await turn.say(text(turn.lang, "duplicates_none", where=where))
            return
        turn.data.remember_ids(c.id for p in pairs for c in (p.keep, p.other))
        line = text(turn.lang, "duplicates_found", count=len(pairs), where=where)
        await turn.say(line, duplicate_pairs_card(turn.lang, turn.nonce, pairs))
