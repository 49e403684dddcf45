"""ContactsService: the one door to contacts, shared by the guided cards and the agent's tools.

It validates what users typed, keeps duplicates out and makes updates safe to confirm later.
Everything HubSpot-specific (SDK, retries, rate budget) is in the adapter passed in; this class
only decides *what* to ask. The bot's flows and the agent's tools both rely on its signatures.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from contextlib import nullcontext
from typing import Any, Protocol

from contacts.errors import (
    ContactChanged,
    ContactNotFound,
    ContactsError,
    DuplicateContact,
    InvalidContact,
)
from contacts.locks import KeyedLocks
from contacts.model import Change, Contact, CreateResult, PendingUpdate, SearchCriteria, SearchPage
from contacts.search_body import build_search_body
from contacts.validation import check_text, normalise_email, normalise_properties

log = logging.getLogger(__name__)


class ContactsAdapter(Protocol):
    """What the service needs from HubSpot (contacts.hubspot.HubSpotAdapter provides it)."""

    async def get(self, id_or_email: str, id_property: str | None = None) -> Contact: ...
    async def create(self, properties: Mapping[str, str]) -> Contact: ...
    async def update(self, contact_id: str, properties: Mapping[str, str]) -> Contact: ...
    async def search(self, body: Mapping[str, Any]) -> SearchPage: ...


class ContactsService:
    def __init__(self, adapter: ContactsAdapter, *, default_region: str = "US") -> None:
        self._adapter = adapter
        self._default_region = default_region.upper()
        # Creates for one email run one at a time in this process, so two users adding the
        # same person at once get one contact and one "already exists", never a race.
        self._creates_by_email = KeyedLocks()

    async def aclose(self) -> None:
        """Release the adapter's threads and connections (the app calls this on shutdown)."""
        close = getattr(self._adapter, "aclose", None)
        if close is not None:
            await close()

    def normalise(
        self, properties: Mapping[str, str], *, region: str | None = None, partial: bool = False
    ) -> dict[str, str]:
        """Validate and normalise user-typed values (trim; email lower-cased; phone E.164).
        Drops empty values when `partial`. Raises InvalidContact naming the field."""
        return normalise_properties(
            properties, region=region or self._default_region, partial=partial
        )

    async def search(
        self,
        criteria: SearchCriteria,
        *,
        limit: int = 10,
        after: str | None = None,
        region: str | None = None,
    ) -> SearchPage:
        """Contacts matching every given criterion, most recently changed first. A search by a
        whole email alone reads the contact directly, because HubSpot's search index lags
        behind writes and "I just added them, where are they?" must not happen. `region`
        reads a phone number typed without a country code (the user's, e.g. "KR")."""
        for name in ("email", "name", "company", "phone", "text"):
            check_text(name, getattr(criteria, name))
        for spec in criteria.filters:
            check_text(str(spec.get("propertyName") or "filter"), str(spec.get("value") or ""))
        body = build_search_body(
            criteria, region=region or self._default_region, limit=limit, after=after
        )
        if _only_exact_email(criteria, body):
            if after:
                return SearchPage(total=1, results=[])
            found = await self.find_by_email(criteria.email)
            return SearchPage(total=1 if found else 0, results=[found] if found else [])
        return await self._adapter.search(body)

    async def get(self, contact_id: str) -> Contact:
        """Raises ContactNotFound."""
        key = str(contact_id).strip()
        if not key.isdigit():  # HubSpot ids are numbers; anything else cannot exist
            raise ContactNotFound(key)
        return await self._adapter.get(key)

    async def find_by_email(self, email: str) -> Contact | None:
        """GET by idProperty=email (not search: search lags behind writes)."""
        address = normalise_email(email)
        try:
            return await self._adapter.get(address, id_property="email")
        except ContactNotFound:
            return None

    async def create(
        self, properties: Mapping[str, str], *, region: str | None = None
    ) -> CreateResult:
        """Normalise, check the email is new, create once. Raises DuplicateContact (with the
        existing contact), InvalidContact, HubSpotUnavailable, RateLimited."""
        values = self.normalise(properties, region=region, partial=True)
        email = values.get("email", "")
        if not (email or values.get("firstname") or values.get("lastname")):
            raise InvalidContact(
                "email", "empty", "A new contact needs at least an email address or a name."
            )
        async with self._creates_by_email.hold(email) if email else nullcontext():
            if email:
                existing = await self.find_by_email(email)
                if existing is not None:
                    raise DuplicateContact(existing)
            try:
                contact = await self._adapter.create(values)
            except DuplicateContact as dup:  # HubSpot's 409 backstop
                raise DuplicateContact(await self._existing(dup, email)) from dup
        return CreateResult(contact=contact, same_name=await self._same_name(contact))

    async def plan_update(
        self, contact_id: str, properties: Mapping[str, str], *, region: str | None = None
    ) -> PendingUpdate:
        """Read the contact, normalise the new values, keep only real changes (old -> new).
        Writes nothing. Raises ContactNotFound, InvalidContact; an empty change set is
        InvalidContact(field='*', reason_code='empty'). A new email another contact already
        has raises DuplicateContact here already, before the user is asked to confirm."""
        values = self.normalise(properties, region=region, partial=True)
        if not values:
            raise InvalidContact("*", "empty", "There is nothing to change: no new values given.")
        current = await self.get(contact_id)
        changes = tuple(
            Change(name, current.get(name), value)
            for name, value in values.items()
            if current.get(name) != value
        )
        if not changes:
            raise InvalidContact(
                "*", "empty", f"{current.display_name} already has those values; nothing to change."
            )
        changed = {c.field: c.new for c in changes}
        if "email" in changed:
            await self._check_email_free(changed["email"], current.id)
        return PendingUpdate(
            contact_id=current.id,
            properties=changed,
            changes=changes,
            expected_version=current.version,
            display_name=current.display_name,
        )

    async def apply_update(self, pending: PendingUpdate) -> Contact:
        """Re-read the contact; if its version differs from `pending.expected_version` raise
        ContactChanged(current); else PATCH and return the updated contact. A new email that
        another contact has raises DuplicateContact."""
        current = await self.get(pending.contact_id)
        if current.version != pending.expected_version:
            raise ContactChanged(current)
        new_email = pending.properties.get("email")
        if new_email:
            await self._check_email_free(new_email, current.id)
        try:
            return await self._adapter.update(current.id, dict(pending.properties))
        except DuplicateContact as dup:
            raise DuplicateContact(await self._existing(dup, new_email or "")) from dup

    # -- helpers ------------------------------------------------------------------------------

    async def _check_email_free(self, email: str, own_id: str) -> None:
        other = await self.find_by_email(email)
        if other is not None and other.id != own_id:
            raise DuplicateContact(other)

    async def _existing(self, dup: DuplicateContact, email: str) -> Contact | None:
        """The contact a 409 was about, so the user can be shown it (best effort)."""
        try:
            if dup.existing_id:
                return await self._adapter.get(dup.existing_id)
            if email:
                return await self.find_by_email(email)
        except ContactsError as exc:
            log.warning("could not read the existing contact after a 409: %s", exc.code)
        return None

    async def _same_name(self, contact: Contact) -> list[Contact]:
        """Other contacts with this full name: a warning, so a failure here only loses the
        warning, never the contact that was just created."""
        first, last = contact.get("firstname"), contact.get("lastname")
        if not (first and last):
            return []
        body = {
            "limit": 5,
            "filterGroups": [
                {
                    "filters": [
                        {"propertyName": "firstname", "operator": "EQ", "value": first},
                        {"propertyName": "lastname", "operator": "EQ", "value": last},
                    ]
                }
            ],
        }
        try:
            page = await self._adapter.search(body)
        except ContactsError as exc:
            log.warning("same-name check skipped: %s", exc.code)
            return []
        return [c for c in page.results if c.id != contact.id]


def _only_exact_email(criteria: SearchCriteria, body: Mapping[str, Any]) -> bool:
    groups = body.get("filterGroups") or []
    return (
        len(groups) == 1
        and len(groups[0]["filters"]) == 1
        and groups[0]["filters"][0]["operator"] == "EQ"
        and groups[0]["filters"][0]["propertyName"] == "email"
        and not body.get("query")
    )
