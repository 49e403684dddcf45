"""The update flow: find the contact (named, or the one in focus), edit, then the preview.

A contact is found by email, record id or name; several are a choice, never a guess, and the
values asked for wait for that choice. A form sent back with bad values comes again with every
edit kept and every bad value named. The preview and the one write on Confirm are
flows/confirm.py's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import cards
from agent.choice import told_apart
from cards import text
from cards.duplicate_cards import reasons_text, summary
from cards.lifecycle import CardKind, Outcome
from contacts.errors import (
    ContactNotFound,
    ContactsError,
    DuplicateContact,
    InvalidContact,
)
from contacts.model import Contact, PendingUpdate, SearchCriteria
from contacts.service import ContactsService
from flows.confirm import Confirmations
from flows.turn import Turn
from flows.writes import WriteLedger

MAX_CANDIDATES = 10
# Fields whose change may make a contact look like another (a duplicate check before Confirm).
_IDENTIFYING = frozenset({"firstname", "lastname", "phone", "mobilephone", "company"})


def refusal_reason(exc: ContactsError) -> str:
    """The audit log's reason for a write refused because of what the user typed."""
    if isinstance(exc, InvalidContact):
        return f"invalid:{exc.field}"
    return "duplicate" if isinstance(exc, DuplicateContact) else exc.code


class UpdateFlow:
    def __init__(
        self, *, contacts: ContactsService, ledger: WriteLedger, confirmations: Confirmations
    ) -> None:
        self._contacts = contacts
        self._ledger = ledger
        self._confirmations = confirmations

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
        await self._show(turn, found, properties)

    async def for_focus(self, turn: Turn, ids: list[str], properties: Mapping[str, str]) -> None:
        """A change to the contact(s) the conversation is talking about ("change her company
        to Acme"): one goes on to its preview; several are a choice, never a guess."""
        try:
            found = [await self._contacts.get(contact_id) for contact_id in ids]
        except ContactNotFound:
            turn.data.focus_on([])
            await self.show_find_form(turn, "update_which")
            return
        except ContactsError as exc:
            await turn.failed(exc)
            return
        await self._show(turn, found, properties)

    async def _show(
        self, turn: Turn, found: list[Contact], properties: Mapping[str, str] | None
    ) -> None:
        """One contact: its preview (new values known) or its form; several: which one? The
        values asked for wait for the choice (`pick`), so nothing asked for is forgotten."""
        turn.data.remember_ids(c.id for c in found)
        turn.data.focus_on(c.id for c in found)
        if len(found) > 1:  # the card's intro says "several match": no line above it
            if properties:
                turn.data.wait_for_contact(dict(properties))
            await turn.card(
                cards.pick_contact_card(turn.lang, turn.nonce, found), kind=CardKind.PICK
            )
            return
        if properties:
            await self.plan(turn, found[0], properties)
        else:
            await turn.card(cards.update_form(turn.lang, turn.nonce, found[0]))

    async def pick_named(self, turn: Turn, ids: Sequence[str], words: str) -> bool:
        """Of several contacts shown (`ids`), the one the user's `words` name alone ("the one at
        Globex"): picked as a click on it would be. False when they name none or several."""
        try:
            shown = [await self._contacts.get(contact_id) for contact_id in ids]
        except ContactsError:
            return False
        named = [c for c in shown if told_apart(c, [o for o in shown if o is not c], words)]
        if len(named) != 1:
            return False
        await self.pick(turn, named[0].id)
        return True

    async def pick(self, turn: Turn, contact_id: str) -> None:
        try:
            contact = await self._contacts.get(contact_id)
        except ContactsError as exc:
            await turn.failed(exc)
            return
        turn.data.remember_ids([contact.id])
        turn.data.focus_on([contact.id])
        turn.cards.outcome(Outcome.PICKED, contact.display_name)
        asked = turn.data.take_waiting()  # "change Taylor's title": the title goes on
        if asked:
            await self.plan(turn, contact, asked)
        else:
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
        problems = self._contacts.problems(edited, region=turn.region)
        if problems:  # every bad value named at once; the form keeps what was typed
            await self._form_again(turn, contact, edited, problems)
            return
        await self.plan(turn, contact, edited)

    async def _form_again(
        self,
        turn: Turn,
        contact: Contact,
        edited: Mapping[str, str],
        problems: Sequence[ContactsError],
    ) -> None:
        await self._ledger.refused(
            await turn.writer(),
            action="update",
            reason=refusal_reason(problems[0]),
            contact_id=contact.id,
            properties=edited,
            old={k: contact.get(k) for k in edited},
        )
        message = cards.errors_text(turn.lang, problems)
        turn.said.append(message)
        card = cards.update_form(turn.lang, turn.nonce, contact, message, values=edited)
        await turn.card(card)

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
        except InvalidContact as exc:
            problems = self._contacts.problems(properties, region=turn.region) or [exc]
            await self._form_again(turn, contact, properties, problems)
            return
        except DuplicateContact as exc:
            await self._form_again(turn, contact, properties, [exc])
            return
        except ContactsError as exc:
            await turn.failed(exc)
            return
        intro = await self._possible_duplicate(turn, contact, pending)
        await self._confirmations.ask_confirm(turn, pending, intro, contact=contact)

    async def _possible_duplicate(
        self, turn: Turn, contact: Contact, pending: PendingUpdate
    ) -> str:
        """A change of name, phone or company that makes the contact look like another one
        ("Possible duplicate: Jonathan Smith · ACME Inc. · +1 415-555-0100 (same phone
        number)"), said above the preview; '' when none, or when the check cannot run (it costs
        one or two searches, and a busy HubSpot costs only the warning)."""
        if not {c.field for c in pending.changes} & _IDENTIFYING:
            return ""
        after = Contact(contact.id, {**contact.properties, **pending.properties})
        try:
            pairs = await self._contacts.duplicates.for_contact(after, region=turn.region)
        except ContactsError:
            return ""
        if not pairs:
            return ""
        pair = pairs[0]
        other = pair.keep if pair.other.id == contact.id else pair.other
        return text(
            turn.lang,
            "update_possible_duplicate",
            who=summary(turn.lang, other),
            why=reasons_text(turn.lang, pair.reasons),
        )

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
