"""ContactsService: the one door to contacts, shared by the guided cards and the agent's tools.

It validates what users typed, keeps duplicates out and makes updates safe to confirm later.
Everything HubSpot-specific (SDK, retries, rate budget) is in the adapter passed in; this class
only decides *what* to ask. The bot's flows and the agent's tools both rely on its signatures.

What it asks goes through `contacts.batching`, so concurrent users share HubSpot calls, and each
public method is one action with one deadline (`contacts.deadline`): a HubSpot that hangs costs
a user `action_seconds` in all, however many calls and retries the action makes. The fewest
calls per action: a find by email 1, a create 2 (the duplicate check, the create), an update
preview 1 (a read this turn already made is reused: Confirm re-reads and compares versions).
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Mapping
from contextlib import nullcontext
from dataclasses import replace
from typing import Any, cast

from contacts import deadline
from contacts.batching import Batches, BatchingAdapter, NewCheck
from contacts.claims import EmailClaims, Leases
from contacts.dedupe import DedupeAdapter, Duplicates
from contacts.errors import (
    ContactChanged,
    ContactNotFound,
    ContactsError,
    DuplicateContact,
    InvalidContact,
)
from contacts.hubspot_rules import PortalRulesCache
from contacts.links import RecordLinks
from contacts.model import Change, Contact, CreateResult, PendingUpdate, SearchCriteria, SearchPage
from contacts.near import MAX_SUGGESTIONS, near_searches, rank
from contacts.owners import OWNER_PROPERTY, OwnerDirectory
from contacts.portal_rules import check
from contacts.search_body import build_search_body
from contacts.validation import check_text, normalise_email, normalise_properties, problems_in

log = logging.getLogger(__name__)


# What the service needs from HubSpot (contacts.hubspot.HubSpotAdapter provides it).
ContactsAdapter = BatchingAdapter
ACTION_SECONDS = 12.0  # the most one action waits for HubSpot, retries included
LEASE_MARGIN_SECONDS = 5.0  # a create's claim lasts its action's deadline and this much more
REUSE_SECONDS = 2.0  # a contact read this long ago may stand in for a new read in a preview
_RECENT_MAX = 512


class ContactsService:
    def __init__(
        self,
        adapter: ContactsAdapter,
        *,
        default_region: str = "US",
        action_seconds: float = ACTION_SECONDS,
        batch_window_seconds: float = 0.005,
        batch_size: int = 100,
        owners: OwnerDirectory | None = None,
        links: RecordLinks | None = None,
        rules: PortalRulesCache | None = None,
        leases: Leases | None = None,
    ) -> None:
        """`owners` defaults to a directory over the adapter's owners calls when it has them
        (HubSpotAdapter does); without either, `owners` is None and nothing gets an owner.
        `links` gives the contacts it returns their HubSpot record URL (`Contact.url`).
        `rules`, when given, are the portal's validation rules (contacts.hubspot_rules): a
        write that breaks one is refused before HubSpot is asked (`check_rules`). `leases`
        is the shared store when several instances share it: the claim on a new contact's
        email (`contacts.claims`) then holds across them, not only in this process."""
        self._adapter = adapter
        self.links = links
        calls = getattr(adapter, "owners", None)
        self.owners = owners or (
            OwnerDirectory(calls, action_seconds=action_seconds) if calls is not None else None
        )
        self._hub = Batches(adapter, window_seconds=batch_window_seconds, max_size=batch_size)
        self._default_region = default_region.upper()
        self._action_seconds = action_seconds
        # Creates for one email run one at a time (in this process, and across instances
        # through `leases`), so two users adding the same person at once get one contact and
        # one "already exists", never a race. The lease outlives any create (the action's
        # deadline bounds the HubSpot calls) and runs out soon after its instance died.
        self._creates_by_email = EmailClaims(
            leases, lease_seconds=action_seconds + LEASE_MARGIN_SECONDS
        )
        self._recent: OrderedDict[str, tuple[float, Contact]] = OrderedDict()
        # Likely duplicates and merges (contacts.dedupe), over the same adapter and budget;
        # an adapter without `merge` (a test fake) fails only when a merge is asked for.
        self.duplicates = Duplicates(
            cast(DedupeAdapter, adapter),
            default_region=default_region,
            write_seconds=action_seconds,
        )
        # The portal's validation rules (read once, cached, refreshed): checked before a
        # write, so a form asks for what the portal requires instead of failing on save.
        self.rules = rules

    @property
    def action_seconds(self) -> float:
        """The most one action waits for HubSpot: a write older than that has had its answer."""
        return self._action_seconds

    async def aclose(self) -> None:
        """Release the adapter's threads and connections (the app calls this on shutdown)."""
        await self._hub.aclose()
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

    def problems(
        self, properties: Mapping[str, str], *, region: str | None = None
    ) -> list[InvalidContact]:
        """Every typed value's problem at once, in field order; [] when all are acceptable."""
        return problems_in(properties, region=region or self._default_region)

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
        with deadline.action(self._action_seconds):
            page = await self._adapter.search(body)  # lags behind writes: not `_seen`
            await self._links_ready()
        return replace(page, results=[self._linked(c) for c in page.results])

    async def near(
        self, name: str, *, company: str = "", limit: int = MAX_SUGGESTIONS
    ) -> list[Contact]:
        """Contacts whose name is a typo or two away from `name` ("Tayler", "김민중"), closest
        first ([] when none is close), at `company` when one is given. At most two searches
        (contacts.near): the second only when the first found no one close and HubSpot's
        search budget has room right now, so a busy second costs the suggestion, never
        another user's search."""
        found: list[Contact] = []
        with deadline.action(self._action_seconds):
            for number, body in enumerate(near_searches(name, company=company)):
                if number and (found or not self._adapter.search_is_free()):
                    break
                page = await self._adapter.search(body)
                found = rank(name, [*found, *page.results], limit)
            await self._links_ready()
        return [self._linked(c) for c in found]

    def search_is_free(self) -> bool:
        """Would a search leave at once (HubSpot's 5 a second has room, nobody queues)? Checks
        that are worth a search only when it costs no wait ask this first."""
        return self._adapter.search_is_free()

    async def get(self, contact_id: str) -> Contact:
        """Raises ContactNotFound."""
        key = str(contact_id).strip()
        if not key.isdigit():  # HubSpot ids are numbers; anything else cannot exist
            raise ContactNotFound(key)
        with deadline.action(self._action_seconds):
            found = await self._hub.get(key)
            await self._links_ready()
            return self._seen(found)

    async def find_by_email(self, email: str) -> Contact | None:
        """Read by idProperty=email (not search: search lags behind writes)."""
        address = normalise_email(email)
        with deadline.action(self._action_seconds):
            found = await self._hub.find_by_email(address)
            await self._links_ready()
        return self._seen(found) if found is not None else None

    async def create(
        self,
        properties: Mapping[str, str],
        *,
        region: str | None = None,
        owner_id: str | None = None,
    ) -> CreateResult:
        """Normalise, check the email is new, create once. Raises DuplicateContact (with the
        existing contact), InvalidContact, HubSpotUnavailable, RateLimited. Other contacts with
        the same full name come back as a warning when the duplicate check could tell (a lone
        create, or one without an email); under load that warning is skipped. `owner_id` is
        the HubSpot owner the contact is given (HubSpot refuses one that names no owner)."""
        values = self.normalise(properties, region=region, partial=True)
        if owner_id:
            if not str(owner_id).strip().isdigit():
                raise InvalidContact(
                    OWNER_PROPERTY, "invalid_value", "An owner id is a HubSpot owner's number."
                )
            values[OWNER_PROPERTY] = str(owner_id).strip()
        email = values.get("email", "")
        first, last = values.get("firstname", ""), values.get("lastname", "")
        if not (email or first or last):
            raise InvalidContact(
                "email", "empty", "A new contact needs at least an email address or a name."
            )
        await self.check_rules(values, creating=True)
        with deadline.action(self._action_seconds):
            async with self._creates_by_email.hold(email) if email else nullcontext():
                if email:
                    check = await self._hub.check_new(email, first, last)
                    if check.existing is not None:
                        await self._links_ready()
                        raise DuplicateContact(self._linked(check.existing))
                else:
                    check = NewCheck(None, await self._same_name(first, last))
                try:
                    if email:
                        contact = await self._hub.create(values)
                    else:
                        contact = await self._adapter.create(values)
                except DuplicateContact as dup:  # HubSpot's 409 backstop
                    raise DuplicateContact(await self._existing(dup, email)) from dup
                except InvalidContact:
                    if self.rules is not None:  # a rule we did not know: read them again
                        self.rules.invalidate()
                    raise
                await self._links_ready()
        same = [self._linked(c) for c in check.same_name if c.id != contact.id]
        return CreateResult(contact=self._seen(contact), same_name=same)

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
        with deadline.action(self._action_seconds):
            return await self._plan(contact_id, values)

    async def _plan(self, contact_id: str, values: Mapping[str, str]) -> PendingUpdate:
        current = self._recently_read(contact_id) or await self.get(contact_id)
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
        await self.check_rules(changed, creating=False)
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
        with deadline.action(self._action_seconds):
            current = await self.get(pending.contact_id)  # always fresh: this is the check
            if current.version != pending.expected_version:
                raise ContactChanged(current)  # `get` linked it
            new_email = pending.properties.get("email")
            if new_email:
                await self._check_email_free(new_email, current.id)
            # The preview's old values: a re-send after a lost answer overwrites nobody's
            # change made since (contacts.evidence.resend).
            was = {c.field: c.old for c in pending.changes}
            try:
                updated = await self._hub.update(current.id, dict(pending.properties), was)
            except DuplicateContact as dup:
                raise DuplicateContact(await self._existing(dup, new_email or "")) from dup
        return self._seen(updated)

    async def check_rules(self, values: Mapping[str, str], *, creating: bool) -> None:
        """Raise InvalidContact for the first value (normalised) that breaks a portal rule
        (a required field missing, a phone without its country code...)."""
        if self.rules is None:
            return
        issues = check(values, await self.rules.rules(), creating=creating)
        if issues:
            raise issues[0].to_invalid()

    # -- helpers ------------------------------------------------------------------------------

    async def _check_email_free(self, email: str, own_id: str) -> None:
        other = await self.find_by_email(email)
        if other is not None and other.id != own_id:
            raise DuplicateContact(other)

    async def _existing(self, dup: DuplicateContact, email: str) -> Contact | None:
        """The contact a 409 was about, so the user can be shown it (best effort)."""
        if dup.existing is not None:  # read already (a create settled by evidence)
            return self._linked(dup.existing)
        try:
            if dup.existing_id:
                return self._linked(await self._hub.get(dup.existing_id))
            if email:
                return await self.find_by_email(email)
        except ContactsError as exc:
            log.warning("could not read the existing contact after a 409: %s", exc.code)
        return None

    async def _same_name(self, first: str, last: str) -> list[Contact]:
        """Contacts with this full name, before a create without an email (its only check):
        a warning, so a failure here only loses the warning."""
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
        return page.results

    async def _links_ready(self) -> None:
        """Within the running action: wait for the account's link base if it is being read."""
        if self.links is not None:
            await self.links.ready()

    def _linked(self, contact: Contact) -> Contact:
        if self.links is None or contact.url:
            return contact
        url = self.links.url(contact.id)
        return replace(contact, url=url) if url else contact

    def _seen(self, contact: Contact) -> Contact:
        """Remember a contact as just read, for `plan_update` in the same turn."""
        contact = self._linked(contact)
        self._recent[contact.id] = (time.monotonic(), contact)
        self._recent.move_to_end(contact.id)
        while len(self._recent) > _RECENT_MAX:
            self._recent.popitem(last=False)
        return contact

    def _recently_read(self, contact_id: str) -> Contact | None:
        seen = self._recent.get(str(contact_id).strip())
        if seen is None or time.monotonic() - seen[0] > REUSE_SECONDS:
            return None
        return seen[1]


def _only_exact_email(criteria: SearchCriteria, body: Mapping[str, Any]) -> bool:
    groups = body.get("filterGroups") or []
    return (
        len(groups) == 1
        and len(groups[0]["filters"]) == 1
        and groups[0]["filters"][0]["operator"] == "EQ"
        and groups[0]["filters"][0]["propertyName"] == "email"
        and not body.get("query")
    )
