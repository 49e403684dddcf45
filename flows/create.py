"""The create flow, shared by the form and typed commands: a form submit and a typed
`add Jane jane@acme.com` behave the same (same duplicate check, same messages).

Nothing is written unless the user asked for exactly that write: a typed create with any
doubtful value comes back as the form, each doubt named. A create is claimed under its
activity before HubSpot is called, so a redelivery never creates twice.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping

import cards
from cards import OWNER_INPUT, text
from cards.lifecycle import CardKind, Outcome
from contacts import deadline
from contacts.errors import (
    ContactsError,
    CreateInProgress,
    DuplicateContact,
    HubSpotUnavailable,
    InvalidContact,
)
from contacts.korean import has_hangul
from contacts.model import Contact, SearchCriteria, SearchPage
from contacts.owners import ActingOwner, Owner
from contacts.service import ContactsService
from flows.duplicates import HELD_CREATE, DuplicateFlow
from flows.settle import Settled, Settler
from flows.turn import Turn, creator_of
from flows.updates import refusal_reason
from flows.writes import WriteLedger, earlier_write_text
from ground.ids import create_claim_key, held_create_claim_key
from store import Claim

SAME_NAME_LIMIT = 10  # contacts with the same full name shown before a create
log = logging.getLogger(__name__)


class CreateFlow:
    """Create. `contacts` is the shared ContactsService; the turn says which HubSpot owner the
    user is (new contacts are theirs). `duplicates`, when given, offers likely duplicates
    before a create (flows/duplicates.py) and holds the create until the user chooses."""

    def __init__(
        self,
        *,
        contacts: ContactsService,
        ledger: WriteLedger,
        duplicates: DuplicateFlow | None = None,
        settler: Settler | None = None,
    ) -> None:
        self._contacts = contacts
        self._ledger = ledger
        self._duplicates = duplicates
        self._settler = settler or Settler(contacts=contacts, ledger=ledger)

    async def show_create_form(
        self,
        turn: Turn,
        intro_key: str | None = "chose_create",
        prefill: Mapping[str, str] | None = None,
        error: str | None = None,
    ) -> None:
        intro = text(turn.lang, intro_key) if intro_key else ""
        required = await self._required()
        await turn.say(
            intro,
            cards.create_form(turn.lang, turn.nonce, dict(prefill or {}), error, required=required),
            kind=CardKind.CREATE,
        )

    async def _required(self) -> tuple[str, ...]:
        """The fields the portal's validation rules require (cached; none when unknown)."""
        rules = self._contacts.rules
        return (await rules.rules()).required if rules is not None else ()

    async def ask_create(
        self,
        turn: Turn,
        properties: Mapping[str, str],
        doubts: Mapping[str, str] | None = None,
    ) -> None:
        """A typed create that is not certain (no email, a word that may be a title): nothing
        is written. Contacts with the same full name are looked up first and shown, then the
        form, filled in as typed, asks the user to check and press Create. `doubts` (field ->
        why, from the parser) are named on the form, with any value HubSpot would refuse."""
        if doubts:
            refused = ""  # what HubSpot would refuse is said as it would say it
            try:
                self._contacts.normalise(properties, region=turn.region, partial=True)
            except InvalidContact as exc:
                refused = cards.error_text(turn.lang, exc)
                if doubts.get(exc.field) != exc.reason_code:
                    doubts = {k: v for k, v in doubts.items() if k != exc.field}
            said = " ".join(s for s in (_doubts_text(turn.lang, doubts, properties), refused) if s)
            await self.show_create_form(turn, "create_check", properties, said)
            return
        try:
            self._contacts.normalise(properties, region=turn.region, partial=True)
        except InvalidContact as exc:  # the form again, the error naming the field
            await self._create_failed(turn, exc, properties)
            return
        first, last = properties.get("firstname", "").strip(), properties.get("lastname", "")
        same: list[Contact] = []
        if first or last:
            full = " ".join(p for p in (first, last.strip()) if p)
            try:
                page = await self._contacts.search(SearchCriteria(name=full), limit=SAME_NAME_LIMIT)
            except ContactsError:
                page = SearchPage(total=0, results=[])  # only the warning is lost
            same = [
                c
                for c in page.results
                if c.get("firstname").strip().lower() == first.lower()
                and c.get("lastname").strip().lower() == last.strip().lower()
            ]
        if same:
            name = same[0].full_name
            turn.data.remember_ids(c.id for c in same)
            await turn.say(
                text(turn.lang, "create_same_name_first", count=len(same), name=name),
                cards.pick_contact_card(turn.lang, turn.nonce, same),
                kind=CardKind.PICK,
            )
            await turn.card(
                cards.create_form(
                    turn.lang, turn.nonce, dict(properties), required=await self._required()
                ),
                kind=CardKind.CREATE,
            )
            return
        await self.show_create_form(turn, "create_check", properties)

    async def create_anyway(self, turn: Turn, held_id: str) -> None:
        """ "Create anyway" on the possible duplicates: the held create, once (claimed under
        the held id, so a second click or another instance writes nothing)."""
        actor = await turn.writer()
        key = held_create_claim_key(actor.channel, actor.conversation, held_id)
        held = turn.data.held.get(held_id)
        if held is None or held.get("kind") != HELD_CREATE:
            turn.cards.outcome(Outcome.EXPIRED)
            earlier = await self._ledger.lookup(key)
            if earlier is None:
                await turn.say(text(turn.lang, "held_expired"))
            else:
                await turn.say(earlier_write_text(turn.lang, earlier, actor))
            return
        properties = {str(k): str(v) for k, v in dict(held.get("properties") or {}).items()}
        owner_id = str(held.get("owner_id") or "")
        await self.create(turn, properties, owner_id=owner_id, checked=True, claim_key=key)
        if await self._ledger.lookup(key) is not None:  # written, or perhaps: used up
            turn.data.take_held(held_id, HELD_CREATE)
        # else nothing was written (the claim was given back): the same button may be retried

    async def create(
        self,
        turn: Turn,
        properties: Mapping[str, str],
        *,
        owner_id: str = "",
        checked: bool = False,
        claim_key: str | None = None,
    ) -> None:
        """Create at once after the duplicate checks; a bad value shows the form again, filled
        in as the user left it, with the error naming the field. The contact's HubSpot owner
        is `owner_id` when one is given, else the user's own (none when they have none).
        Likely duplicates beyond the same email hold the create until the user chooses,
        unless `checked` (they chose "Create anyway"); `claim_key` is then the held one's."""
        turn.cards.outcome(Outcome.NOT_CREATED)  # until HubSpot says it was
        given_owner = (properties.get(OWNER_INPUT) or "").strip()
        properties = {k: v for k, v in properties.items() if k != OWNER_INPUT}
        if not any(v.strip() for v in properties.values()):
            await self._form_again(turn, properties, text(turn.lang, "create_needs_something"))
            return
        owner_name = ""
        if given_owner and not owner_id:  # the form names someone else as the owner
            found = await self._owner_by_email(turn, given_owner)
            if found is None:
                await self._form_again(
                    turn,
                    {**properties, OWNER_INPUT: given_owner},
                    text(turn.lang, "owner_unknown", email=given_owner),
                )
                return
            owner_id, owner_name = found.id, found.name
        if (
            not checked
            and self._duplicates is not None
            and await self._duplicates.offer(turn, properties, owner_id=owner_id)
        ):
            turn.cards.outcome(Outcome.HELD)
            return
        if not owner_id:
            me = await self._creator(turn)
            if me.owner is not None:
                owner_id, owner_name = me.owner.id, me.owner.name
        # The claim is this activity's: a redelivery of a create that was cut off mid-write
        # (or that another instance is writing) is told so, not written a second time.
        actor = await turn.writer()
        key = claim_key or (create_claim_key(turn.activity_key) if turn.activity_key else None)
        # The write's deadline starts before its claim: no request of it can land later than
        # the claim's time plus `action_seconds`, the moment a settlement may read HubSpot
        # (flows/settle.py, flows/settle_sweep.py).
        due = time.monotonic() + self._contacts.action_seconds
        if key is not None:
            claim = await self._ledger.claim(
                key, actor, action="create", contact_id="", properties=properties
            )
            if not claim.fresh:
                if not await self._settled(turn, claim, properties):
                    await turn.say(earlier_write_text(turn.lang, claim, actor))
                return
        try:
            with deadline.until(due):
                result = await self._contacts.create(
                    dict(properties), region=turn.region, owner_id=owner_id or None
                )
        except HubSpotUnavailable as exc:
            if exc.write_may_have_happened or isinstance(exc, CreateInProgress):
                turn.cards.outcome(Outcome.IN_DOUBT)
                await self._ledger.in_doubt(
                    actor, action="create", contact_id="", properties=properties, key=key
                )
                if not exc.write_may_have_happened:  # the other create may have made it
                    exc = HubSpotUnavailable(str(exc), write_may_have_happened=True)
            else:
                turn.cards.keep()  # nothing was written: the same form may be sent again
                if key is not None:
                    await self._ledger.not_done(key)
            await turn.failed(exc)
            return
        except ContactsError as exc:
            if isinstance(exc, InvalidContact | DuplicateContact):
                existing = getattr(exc, "existing", None)
                await self._ledger.refused(
                    actor,
                    action="create",
                    reason=refusal_reason(exc),
                    contact_id=existing.id if existing is not None else "",
                    properties=properties,
                    key=key,  # the claim is given back with it
                )
            elif key is not None:
                await self._ledger.not_done(key)
            await self._create_failed(turn, exc, properties)
            return
        contact = result.contact
        await self._ledger.done(
            key, actor, action="create", contact_id=contact.id, properties=properties
        )
        turn.data.remember_ids([contact.id])
        turn.data.focus_on([contact.id])
        if contact.owner_id and contact.owner_id != owner_id:
            owner_name = ""  # HubSpot gave it someone else: say whom
        if contact.owner_id and not owner_name and self._contacts.owners is not None:
            owner_name = await self._contacts.owners.name_of(contact.owner_id)
        turn.cards.outcome(Outcome.CREATED, contact.display_name)
        # The card's headline says "Contact created": no line above it says it again.
        await turn.card(
            cards.contact_card(turn.lang, turn.nonce, contact, "created", owner=owner_name)
        )
        if result.same_name:
            turn.data.remember_ids(c.id for c in result.same_name)
            await turn.say(
                text(
                    turn.lang,
                    "created_same_name_warning",
                    count=len(result.same_name),
                    name=contact.full_name,
                )
            )

    async def _settled(self, turn: Turn, claim: Claim, properties: Mapping[str, str]) -> bool:
        """A create whose writer was cut off: HubSpot read by the email (flows/settle.py) and
        the user told what it holds: created (its card), or not (the form again, filled in,
        to create it now). False when there was nothing to settle or HubSpot could not say."""
        settled = await self._settler.settle(claim, turn.actor)
        if settled is None or settled.outcome is Settled.UNKNOWN:
            return False
        contact = settled.contact
        if settled.outcome is Settled.NOT_SAVED or contact is None:
            await self._form_again(turn, properties, text(turn.lang, "settled_create_not_saved"))
            return True
        turn.data.remember_ids([contact.id])
        turn.data.focus_on([contact.id])
        turn.cards.outcome(Outcome.CREATED, contact.display_name)
        owner = ""
        if contact.owner_id and self._contacts.owners is not None:
            owner = await self._contacts.owners.name_of(contact.owner_id)
        card = cards.contact_card(turn.lang, turn.nonce, contact, "created", owner=owner)
        await turn.say(text(turn.lang, "settled_create_saved"))
        await turn.card(card)  # on its own, as after any create: "Contact created"
        return True

    async def _form_again(self, turn: Turn, values: Mapping[str, str], message: str) -> None:
        """The create form again, filled in as sent, `message` in it naming what to fix; it
        takes the place of the form that was sent (a typed create gets a new one)."""
        turn.said.append(message)
        required = await self._required()
        card = cards.create_form(turn.lang, turn.nonce, dict(values), message, required=required)
        await turn.card(card, kind=CardKind.CREATE, in_place=True)

    async def _owner_by_email(self, turn: Turn, email: str) -> Owner | None:
        """The HubSpot owner with this email; None when there is none (or no owners here)."""
        owners = self._contacts.owners
        if owners is None:
            return None
        return await owners.by_email(email.lower())

    async def _creator(self, turn: Turn) -> ActingOwner:
        return await creator_of(turn)

    async def _create_failed(
        self, turn: Turn, exc: ContactsError, properties: Mapping[str, str]
    ) -> None:
        """Nothing was created: say why, with the form again when the user can fix it."""
        if isinstance(exc, InvalidContact):
            # Every bad value named at once, so one more try fixes them all.
            problems = self._contacts.problems(properties, region=turn.region) or [exc]
            message = cards.errors_text(turn.lang, problems)
            if exc.reason_code == "empty":
                message = text(turn.lang, "create_needs_something")
            await self._form_again(turn, properties, message)
            return
        card = None
        if isinstance(exc, DuplicateContact) and exc.existing is not None:
            card = cards.duplicate_card(turn.lang, turn.nonce, exc.existing)
            turn.data.remember_ids([exc.existing.id])
            turn.data.focus_on([exc.existing.id])
        await turn.failed(exc, card)


# Why the parser doubts a typed value (typed.command.DOUBTS) -> the reason the form gives.


_DOUBT_REASONS = {
    "invalid_email": "invalid_email",
    "invalid_phone": "invalid_phone",
    "unsure_name": "doubt_name",
    "unsure_phone": "doubt_phone",
    "unsure_company": "doubt_company",
}


def _doubts_text(lang: str, doubts: Mapping[str, str], values: Mapping[str, str]) -> str:
    """Each doubtful value named ("Email tom@bad: not a valid email address."); a paste first."""
    said = [text(lang, "create_pasted")] if "*" in doubts else []
    for field, why in doubts.items():
        if field == "*" or (field == "mobilephone" and doubts.get("phone") == why):
            continue  # two numbers: said once
        reason = cards.reason_text(lang, _DOUBT_REASONS.get(why, "invalid_value"))
        label = cards.field_label(lang, field)
        value = values.get(field, "") if field != "name" else _full_name(values)
        said.append(text(lang, "create_doubt", field=label, value=value, reason=reason))
    return " ".join(said)


def _full_name(values: Mapping[str, str]) -> str:
    first, last = values.get("firstname", ""), values.get("lastname", "")
    if has_hangul(first + last):
        return last + first  # 한지우: the family name first, unspaced
    return " ".join(v for v in (first, last) if v)
