"""The guided flows for searching and creating contacts, shared by buttons and typed commands.

Why one place for both: a form submit and a typed `add Jane jane@acme.com` must behave the same
(same duplicate check, same messages), so the bot turns each into a call here. Failures from
HubSpot come back as one clear line (`Turn.failed`), never a traceback; nothing is written
unless the user asked for exactly that write.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace

import cards
from bots.owners import ActingOwner, OwnerOfTurn, creator_of
from bots.turn import Turn
from bots.updates import refusal_reason
from bots.writes import WriteLedger, earlier_write_text
from cards import OWNER_INPUT, text
from contacts.errors import (
    ContactsError,
    DuplicateContact,
    HubSpotUnavailable,
    InvalidContact,
)
from contacts.korean import has_hangul
from contacts.model import Contact, SearchCriteria, SearchPage
from contacts.owners import OWNER_PROPERTY, Owner
from contacts.service import ContactsService

PAGE_SIZE = 10
log = logging.getLogger(__name__)


class SearchCreateFlows:
    """Search (with paging) and create. `contacts` is the shared ContactsService; `owners`
    says which HubSpot owner the user is (new contacts are theirs; "my contacts")."""

    def __init__(
        self,
        *,
        contacts: ContactsService,
        ledger: WriteLedger,
        owners: OwnerOfTurn | None = None,
    ) -> None:
        self._contacts = contacts
        self._ledger = ledger
        self._owners = owners or OwnerOfTurn(contacts.owners)

    # -- search -------------------------------------------------------------------------------

    async def show_search_form(
        self,
        turn: Turn,
        intro_key: str | None = "chose_search",
        prefill: Mapping[str, str] | None = None,
    ) -> None:
        intro = text(turn.lang, intro_key) if intro_key else ""
        await turn.say(intro, cards.search_form(turn.lang, turn.nonce, dict(prefill or {})))

    async def search(
        self,
        turn: Turn,
        criteria: SearchCriteria,
        *,
        after: str = "",
        offset: int = 0,
        mine: bool = False,
    ) -> None:
        """Show one page of results (or say that nothing matched and offer Create). `mine`
        keeps the contacts the user owns in HubSpot ("my contacts")."""
        if mine:
            try:
                me = await self._owners.of(turn.context)
            except ContactsError as exc:
                await turn.failed(exc)
                return
            if me.owner is None:
                key = "no_owner" if me.email else "no_owner_unknown_user"
                await turn.say(text(turn.lang, key, email=me.email))
                return
            owned = {"propertyName": OWNER_PROPERTY, "operator": "EQ", "value": me.owner.id}
            criteria = replace(criteria, filters=(*criteria.filters, owned))
        if criteria.is_empty():
            await self.show_search_form(turn, "search_empty")
            return
        try:
            page = await self._contacts.search(
                criteria, limit=PAGE_SIZE, after=after or None, region=turn.region
            )
            words = _one_loose_value(criteria)
            if not page.results and not after and words:
                # "삼성물산 찾아줘", "find Initech" typed in the name box, "LG 담당자" read as a
                # company: no one matched that field, so look for the words anywhere (company,
                # email, ...), as HubSpot's search box does. More then carries the free text.
                criteria = SearchCriteria(text=words)
                page = await self._contacts.search(criteria, limit=PAGE_SIZE, region=turn.region)
        except InvalidContact as exc:
            await turn.failed(exc, cards.search_form(turn.lang, turn.nonce, _prefill(criteria)))
            return
        except ContactsError as exc:
            await turn.failed(exc)
            return
        turn.data.last_search = {"criteria": criteria.to_dict(), "offset": offset}
        if not page.results:
            if after:
                await turn.say(text(turn.lang, "no_more_results"))
            elif (
                mine and len(criteria.filters) == 1 and not _searched(replace(criteria, filters=()))
            ):
                await turn.say(text(turn.lang, "no_own_contacts"))
            else:
                await turn.say(
                    text(turn.lang, "no_results", query=_searched(criteria)),
                    cards.no_results_card(turn.lang, turn.nonce),
                )
            return
        turn.data.remember_ids(c.id for c in page.results[:PAGE_SIZE])
        # The card says "Showing 1–10 of 37": no line above it counts them again.
        await turn.card(
            cards.results_card(turn.lang, turn.nonce, page, criteria.to_dict(), offset),
            kind="results",
        )

    # -- create -------------------------------------------------------------------------------

    async def show_create_form(
        self,
        turn: Turn,
        intro_key: str | None = "chose_create",
        prefill: Mapping[str, str] | None = None,
        error: str | None = None,
    ) -> None:
        intro = text(turn.lang, intro_key) if intro_key else ""
        await turn.say(
            intro,
            cards.create_form(turn.lang, turn.nonce, dict(prefill or {}), error),
            kind="create",
        )

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
                page = await self._contacts.search(SearchCriteria(name=full), limit=PAGE_SIZE)
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
                kind="pick",
            )
            await turn.card(
                cards.create_form(turn.lang, turn.nonce, dict(properties)), kind="create"
            )
            return
        await self.show_create_form(turn, "create_check", properties)

    async def create(
        self, turn: Turn, properties: Mapping[str, str], *, owner_id: str = ""
    ) -> None:
        """Create at once after the duplicate check; a bad value shows the form again, filled
        in as the user left it, with the error naming the field. The contact's HubSpot owner
        is `owner_id` when one is given, else the user's own (none when they have none)."""
        turn.cards.outcome("not_created")  # until HubSpot says it was
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
        if not owner_id:
            me = await self._creator(turn)
            if me.owner is not None:
                owner_id, owner_name = me.owner.id, me.owner.name
        # The claim is this activity's: a redelivery of a create that was cut off mid-write
        # (or that another instance is writing) is told so, not written a second time.
        actor = await turn.writer()
        key = f"create/{turn.activity_key}" if turn.activity_key else None
        if key is not None:
            claim = await self._ledger.claim(key, actor)
            if not claim.fresh:
                await turn.say(earlier_write_text(turn.lang, claim, actor))
                return
        try:
            result = await self._contacts.create(
                dict(properties), region=turn.region, owner_id=owner_id or None
            )
        except HubSpotUnavailable as exc:
            if exc.write_may_have_happened:
                turn.cards.outcome("in_doubt")
                await self._ledger.in_doubt(
                    actor, action="create", contact_id="", properties=properties
                )
            else:
                turn.cards.keep()  # nothing was written: the same form may be sent again
                if key is not None:
                    await self._ledger.not_done(key)
            await turn.failed(exc)
            return
        except ContactsError as exc:
            if key is not None:
                await self._ledger.not_done(key)
            if isinstance(exc, InvalidContact | DuplicateContact):
                existing = getattr(exc, "existing", None)
                await self._ledger.refused(
                    actor,
                    action="create",
                    reason=refusal_reason(exc),
                    contact_id=existing.id if existing is not None else "",
                    properties=properties,
                )
            await self._create_failed(turn, exc, properties)
            return
        contact = result.contact
        await self._ledger.done(
            key, actor, action="create", contact_id=contact.id, properties=properties
        )
        turn.data.remember_ids([contact.id])
        if contact.owner_id and contact.owner_id != owner_id:
            owner_name = ""  # HubSpot gave it someone else: say whom
        if contact.owner_id and not owner_name and self._contacts.owners is not None:
            owner_name = await self._contacts.owners.name_of(contact.owner_id)
        turn.cards.outcome("created", contact.display_name)
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

    async def _form_again(self, turn: Turn, values: Mapping[str, str], message: str) -> None:
        """The create form again, filled in as sent, `message` in it naming what to fix; it
        takes the place of the form that was sent (a typed create gets a new one)."""
        turn.said.append(message)
        card = cards.create_form(turn.lang, turn.nonce, dict(values), message)
        await turn.card(card, kind="create", in_place=True)

    async def _owner_by_email(self, turn: Turn, email: str) -> Owner | None:
        """The HubSpot owner with this email; None when there is none (or no owners here)."""
        owners = self._contacts.owners
        if owners is None:
            return None
        return await owners.by_email(email.lower())

    async def _creator(self, turn: Turn) -> ActingOwner:
        return await creator_of(self._owners, turn.context)

    async def _create_failed(
        self, turn: Turn, exc: ContactsError, properties: Mapping[str, str]
    ) -> None:
        """Nothing was created: say why, with the form again when the user can fix it."""
        if isinstance(exc, InvalidContact):
            message = cards.error_text(turn.lang, exc)
            if exc.reason_code == "empty":
                message = text(turn.lang, "create_needs_something")
            await self._form_again(turn, properties, message)
            return
        card = None
        if isinstance(exc, DuplicateContact) and exc.existing is not None:
            card = cards.duplicate_card(turn.lang, turn.nonce, exc.existing)
            turn.data.remember_ids([exc.existing.id])
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


def _one_loose_value(criteria: SearchCriteria) -> str:
    """The value of a search by a name alone or a company alone ('' otherwise)."""
    for value in (criteria.name, criteria.company):
        if value and criteria.to_dict() == SearchCriteria(name=value).to_dict() | {
            "name": criteria.name,
            "company": criteria.company,
        }:
            return value
    return ""


def _searched(criteria: SearchCriteria) -> str:
    """What was searched for, as the user gave it ("Contoso", "Kim, Globex")."""
    values = [criteria.email, criteria.name, criteria.company, criteria.phone, criteria.text]
    values += [str(f.get("value") or "") for f in criteria.filters]
    return ", ".join(v for v in values if v)


def _prefill(criteria: SearchCriteria) -> dict[str, str]:
    return {k: v for k, v in criteria.to_dict().items() if isinstance(v, str) and v}
