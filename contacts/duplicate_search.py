"""Finding likely duplicates in HubSpot with as few searches as HubSpot allows.

HubSpot has no API that lists duplicate pairs, and search is its scarcest call (5 a second per
app, shared by every user of the bot: the adapter's `RequestBudget` queues searches). So each
"find duplicates" asks for every candidate at once and judges them here (`contacts.duplicates`):

- one contact: one search whose OR-ed groups fetch everything that could pair with it: the same
  phone digits (in `phone` or `mobilephone`), the same company words, the same email domain.
  More groups than HubSpot's 5 per search go in a second search.
- a company: one search for its contacts (a page per 100), pairs judged among them.
- a list (the user's own contacts, say): pairs among the list cost no search; pairs with the
  rest of HubSpot share searches: groups are deduplicated across the list (ten contacts at one
  company are one group) and phones go in `IN` filters of up to 100 numbers. `IN` matches
  the stored value exactly, so it finds phones stored as E.164 (as this app stores them);
  a number typed into HubSpot in another format is found by the one-contact search.
- everyone: paged by `hs_object_id GT <last>`, sorted ascending, which, unlike `after`, is not
  stopped by HubSpot's 10,000-result cap; then judged in memory.

`searches` counts the searches made (pages included), for the bench and the tests.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import phonenumbers

from contacts import deadline
from contacts.duplicates import (
    LEGAL_SUFFIXES,
    DuplicatePair,
    company_key,
    email_domain,
    likely_pairs,
    pairs_with,
    phone_keys,
)
from contacts.errors import InvalidContact
from contacts.model import Contact, SearchPage
from contacts.names import fold

MAX_GROUPS = 5
MAX_FILTERS_PER_GROUP = 6
MAX_FILTERS = 18
IN_VALUES = 100  # UNCONFIRMED: HubSpot documents no limit on an IN list; 100 keeps bodies small
PAGE = 100
ACTION_SECONDS = 60.0  # a find over many contacts waits its turn for searches

Filter = dict[str, Any]
Group = list[Filter]


class Searcher(Protocol):
    """What finding needs (contacts.hubspot.HubSpotAdapter has it)."""

    async def search(self, body: Mapping[str, Any]) -> SearchPage: ...


def _token(name: str, value: str) -> Filter:
    return {"propertyName": name, "operator": "CONTAINS_TOKEN", "value": value}


def _company_words(company: str) -> list[str]:
    words = [w for w in fold(company).split() if w not in LEGAL_SUFFIXES]
    return re.findall(r"[^\W_]+", " ".join(words))[:MAX_FILTERS_PER_GROUP]


def _national(e164: str) -> str:
    return str(phonenumbers.parse(e164, None).national_number)


def candidate_groups(contact: Contact, region: str = "US") -> list[Group]:
    """Filter groups that together fetch every contact that could pair with `contact`."""
    groups: list[Group] = []
    for e164 in sorted(phone_keys(contact, region)):
        national = _national(e164)
        groups += [[_token("phone", national)], [_token("mobilephone", national)]]
    words = _company_words(contact.get("company"))
    if words:
        groups.append([_token("company", w) for w in words])
    domain = email_domain(contact)
    if domain:
        groups.append([_token("email", "*@" + domain)])
    return groups


def pack(groups: Sequence[Group]) -> list[list[Group]]:
    """Groups as few searches as HubSpot's limits allow (5 groups, 18 filters a search)."""
    searches: list[list[Group]] = []
    unique = {json.dumps(g, sort_keys=True): g for g in groups}
    for g in unique.values():
        last = searches[-1] if searches else None
        if (
            last is None
            or len(last) >= MAX_GROUPS
            or sum(len(x) for x in last) + len(g) > MAX_FILTERS
        ):
            searches.append([g])
        else:
            last.append(g)
    return searches


class DuplicateFinder:
    def __init__(
        self,
        hubspot: Searcher,
        *,
        region: str = "US",
        action_seconds: float = ACTION_SECONDS,
        max_candidates: int = 1000,
    ) -> None:
        """`max_candidates` caps what one search may page through (a company of thousands
        is judged on its first ones)."""
        self._hubspot = hubspot
        self._region = region.upper()
        self._seconds = action_seconds
        self._max = max_candidates
        self.searches = 0

    async def for_contact(self, contact: Contact) -> list[DuplicatePair]:
        """The likely duplicates of one contact (before a create: a contact not yet saved,
        with any id that is not a HubSpot one, e.g. "new")."""
        with deadline.action(self._seconds):
            found = await self._fetch(candidate_groups(contact, self._region))
        return pairs_with(contact, found, self._region)

    async def for_company(self, company: str) -> list[DuplicatePair]:
        """Likely duplicate pairs among the contacts of a company ("ACME Inc." is "Acme")."""
        words = _company_words(company)
        if not words:
            raise InvalidContact("company", "empty", "Give a company name to look in.")
        with deadline.action(self._seconds):
            found = await self._fetch([[_token("company", w) for w in words]])
        key = company_key(company)
        return likely_pairs(
            [c for c in found if company_key(c.get("company")) == key], self._region
        )

    async def for_contacts(
        self, contacts: Sequence[Contact], *, beyond: bool = True
    ) -> list[DuplicatePair]:
        """Pairs among `contacts` and, with `beyond`, between them and any other contact."""
        pairs = likely_pairs(contacts, self._region)
        if not beyond or not contacts:
            return pairs
        mine = {c.id for c in contacts}
        groups: list[Group] = []
        phones = sorted({p for c in contacts for p in phone_keys(c, self._region)})
        for i in range(0, len(phones), IN_VALUES):
            chunk = phones[i : i + IN_VALUES]
            for prop in ("phone", "mobilephone"):
                groups.append([{"propertyName": prop, "operator": "IN", "values": chunk}])
        for contact in contacts:  # company and domain groups; pack() drops repeats
            groups += [
                g
                for g in candidate_groups(contact, self._region)
                if g[0]["propertyName"] not in ("phone", "mobilephone")
            ]
        with deadline.action(self._seconds):
            found = [c for c in await self._fetch(groups) if c.id not in mine]
        seen = {p.ids for p in pairs}
        for contact in contacts:
            for pair in pairs_with(contact, found, self._region):
                if pair.ids not in seen:
                    seen.add(pair.ids)
                    pairs.append(pair)
        return pairs

    async def for_owner(self, owner_id: str) -> list[DuplicatePair]:
        """The user's own contacts (those they own in HubSpot): pairs among them and with any
        other contact."""
        owned = {"propertyName": "hubspot_owner_id", "operator": "EQ", "value": str(owner_id)}
        with deadline.action(self._seconds):
            mine = await self._fetch([[owned]], cap=False)
            return await self.for_contacts(mine)

    async def everyone(self) -> list[Contact]:
        """Every contact, paged by id (not by `after`: no 10,000-result cap)."""
        out: list[Contact] = []
        last = "0"
        with deadline.action(self._seconds):
            while True:
                page = await self._search(
                    {
                        "filterGroups": [
                            {
                                "filters": [
                                    {
                                        "propertyName": "hs_object_id",
                                        "operator": "GT",
                                        "value": last,
                                    }
                                ]
                            }
                        ],
                        "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
                        "limit": PAGE,
                    }
                )
                out += page.results
                if len(page.results) < PAGE:
                    return out
                last = page.results[-1].id

    async def all_pairs(self) -> list[DuplicatePair]:
        """Every likely duplicate pair in HubSpot: everyone read, then judged in memory."""
        return likely_pairs(await self.everyone(), self._region)

    # -- internals ------------------------------------------------------------------------------

    async def _search(self, body: Mapping[str, Any]) -> SearchPage:
        self.searches += 1
        return await self._hubspot.search(body)

    async def _fetch(self, groups: Sequence[Group], *, cap: bool = True) -> list[Contact]:
        """Every contact any group matches (each search paged, up to `max_candidates`)."""
        found: dict[str, Contact] = {}
        for search in pack(groups):
            after: str | None = None
            fetched = 0
            while True:
                body: dict[str, Any] = {
                    "filterGroups": [{"filters": g} for g in search],
                    "sorts": [{"propertyName": "createdate", "direction": "ASCENDING"}],
                    "limit": PAGE,
                }
                if after:
                    body["after"] = after
                page = await self._search(body)
                for contact in page.results:
                    found.setdefault(contact.id, contact)
                fetched += len(page.results)
                after = page.next_after
                if after is None or (cap and fetched >= self._max):
                    break
        return list(found.values())
