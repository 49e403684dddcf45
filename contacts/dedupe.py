"""Duplicates for the chat: likely duplicates before a create, pairs to clean up, and merges.

Why apart from ContactsService: the service is the door for single contacts (find, create,
update); this is the hygiene side of the same door (issue 28), with its own HubSpot calls
(searches through `contacts.duplicate_search`, the merge endpoint), kept here so the service
stays one concept. `ContactsService.duplicates` is an instance over the same adapter, so its
searches share the adapter's request budget (HubSpot's 5 searches a second) with every turn.

What a merge keeps is HubSpot's rule, shown before Confirm (`merged_values`): each property
takes the value of the more recently updated contact (an empty one takes the other's), and
the primary keeps its email.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from contacts import deadline
from contacts.duplicate_search import DuplicateFinder
from contacts.duplicates import DuplicatePair
from contacts.model import EDITABLE_PROPERTIES, Contact, SearchPage

NEW_ID = "new"  # the id a contact not yet created is judged under
ACTION_SECONDS = 30.0  # a find over a company waits its turn for searches
MAX_BEFORE_CREATE = 3  # likely duplicates shown before a create


class DedupeAdapter(Protocol):
    """What this needs from HubSpot (contacts.hubspot.HubSpotAdapter has it)."""

    async def search(self, body: Mapping[str, Any]) -> SearchPage: ...
    async def get(self, id_or_email: str, id_property: str | None = None) -> Contact: ...
    async def merge(self, primary_id: str, secondary_id: str) -> Contact: ...


class Duplicates:
    def __init__(
        self,
        adapter: DedupeAdapter,
        *,
        default_region: str = "US",
        action_seconds: float = ACTION_SECONDS,
        write_seconds: float = 12.0,
    ) -> None:
        self._adapter = adapter
        self._region = default_region.upper()
        self._seconds = action_seconds
        self._write_seconds = write_seconds
        self.searches = 0  # searches made by every find so far (tests, bench)

    def _finder(self, region: str | None) -> DuplicateFinder:
        return DuplicateFinder(
            self._adapter, region=(region or self._region), action_seconds=self._seconds
        )

    async def _run(self, finder: DuplicateFinder, pairs: Any) -> list[DuplicatePair]:
        try:
            return list(await pairs)
        finally:
            self.searches += finder.searches

    async def before_create(
        self, values: Mapping[str, str], *, region: str | None = None
    ) -> list[DuplicatePair]:
        """Contacts that are likely the person `values` (normalised) describe, beyond the same
        email (the create's own check): the same phone, the same name at the same company or
        email domain, a near-identical name at the same company. One or two searches. In each
        pair the draft (id NEW_ID) is `other` and the contact in HubSpot `keep`."""
        draft = Contact(id=NEW_ID, properties=dict(values))
        finder = self._finder(region)
        pairs = await self._run(finder, finder.for_contact(draft))
        return pairs[:MAX_BEFORE_CREATE]

    async def for_company(self, company: str, *, region: str | None = None) -> list[DuplicatePair]:
        """Likely duplicate pairs among a company's contacts. Raises InvalidContact on ''."""
        finder = self._finder(region)
        return await self._run(finder, finder.for_company(company))

    async def for_contact(
        self, contact: Contact, *, region: str | None = None
    ) -> list[DuplicatePair]:
        finder = self._finder(region)
        return await self._run(finder, finder.for_contact(contact))

    async def for_owner(self, owner_id: str, *, region: str | None = None) -> list[DuplicatePair]:
        """The user's own contacts: pairs among them and with anyone else."""
        finder = self._finder(region)
        return await self._run(finder, finder.for_owner(owner_id))

    async def merge(self, primary_id: str, secondary_id: str) -> Contact:
        """Merge `secondary_id` into `primary_id` (irreversible): the merged contact."""
        with deadline.action(self._write_seconds):
            return await self._adapter.merge(primary_id, secondary_id)


def merged_values(keep: Contact, other: Contact) -> dict[str, str]:
    """What the merged contact will hold (HubSpot's rule, as the local HubSpot applies it):
    each field from the more recently updated contact, an empty one from the other; the
    email is the kept contact's (the other's becomes an additional email)."""
    newer, older = (keep, other) if keep.version >= other.version else (other, keep)
    out: dict[str, str] = {}
    for name in EDITABLE_PROPERTIES:
        value = newer.get(name) or older.get(name)
        if value:
            out[name] = value
    email = keep.email or other.email
    if email:
        out["email"] = email
    return out
