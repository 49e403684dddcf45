""" "Find duplicates" against the local HubSpot through the adapter (the official SDK): the pairs
found, and how few searches it took."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from contacts.budget import BudgetLimits, RequestBudget
from contacts.duplicate_search import DuplicateFinder, candidate_groups, pack
from contacts.duplicates import SAME_NAME_COMPANY, SAME_PHONE, SIMILAR_NAME_COMPANY
from contacts.hubspot import HubSpotAdapter
from contacts.model import Contact
from hubspot_local import RateLimits
from tests.support.hubspot_server import LocalHubSpot, hubspot_server

ACME = [
    # three planted pairs at Acme, one of each kind, and two people who are not duplicates
    {
        "firstname": "Jon",
        "lastname": "Smith",
        "company": "Acme",
        "phone": "+14155550100",
        "email": "jon@acme.com",
    },
    {
        "firstname": "Jonathan",
        "lastname": "Smith",
        "company": "ACME Inc.",
        "phone": "(415) 555-0100",
        "email": "jsmith@mail.example",
    },
    {"firstname": "Maria", "lastname": "Garcia", "company": "Acme", "email": "maria@acme.com"},
    {"firstname": "GARCIA", "lastname": "MARIA", "company": "acme inc", "email": "mg@gmail.com"},
    {"firstname": "민지", "lastname": "김", "company": "Acme", "email": "minji@acme.com"},
    {"firstname": "김민지", "company": "ACME", "email": "kim.minji@naver.com"},
    {"firstname": "Jane", "lastname": "Doe", "company": "Acme", "email": "jane@acme.com"},
    {"firstname": "Daniel", "lastname": "Park", "company": "Acme", "email": "dpark@acme.com"},
]
ELSEWHERE = [
    {
        "firstname": "Jon",
        "lastname": "Smith",
        "company": "Acme Foods",
        "email": "jon@acmefoods.com",
    },
    {
        "firstname": "Ann",
        "lastname": "Lee",
        "company": "Globex",
        "mobilephone": "+14155550199",
        "email": "ann@globex.com",
    },
    {
        "firstname": "Annie",
        "lastname": "Lee",
        "company": "Initech",
        "phone": "+14155550199",
        "email": "annie@initech.com",
    },
]


@asynccontextmanager
async def finder(**server: Any) -> AsyncIterator[tuple[DuplicateFinder, LocalHubSpot]]:
    async with hubspot_server(**server) as hs:
        await hs.store.bulk_insert(ACME + ELSEWHERE, backdate_days=30)
        budget = RequestBudget(BudgetLimits(calls=10_000, searches=10_000))
        adapter = HubSpotAdapter(hs.token, host=hs.url, timeout_seconds=5, budget=budget)
        try:
            yield DuplicateFinder(adapter), hs
        finally:
            adapter.close()


def names(pairs) -> list[tuple[str, str, tuple[str, ...]]]:
    def who(c: Contact) -> str:
        return (c.get("firstname") + " " + c.get("lastname")).strip()

    return sorted((who(p.keep), who(p.other), p.reasons) for p in pairs)


async def test_find_duplicates_for_a_company_with_three_planted_pairs() -> None:
    async with finder() as (find, hs):
        pairs = await find.for_company("ACME, Inc.")
        assert names(pairs) == [
            ("Jon Smith", "Jonathan Smith", (SAME_PHONE, SIMILAR_NAME_COMPANY)),
            ("Maria Garcia", "GARCIA MARIA", (SAME_NAME_COMPANY,)),
            ("민지 김", "김민지", (SAME_NAME_COMPANY,)),
        ]
        assert all(p.keep.created_at < p.other.created_at for p in pairs)  # the older stays
        assert find.searches == 1 and hs.counters["search"].total == 1


async def test_a_new_contact_is_checked_with_one_search() -> None:
    async with finder() as (find, hs):
        typed = Contact(
            "new",
            {
                "firstname": "Jon",
                "lastname": "Smith",
                "company": "Acme Inc",
                "phone": "4155550100",
                "email": "jon.smith@acme.com",
            },
        )
        pairs = await find.for_contact(typed)
        assert sorted(p.keep.get("firstname") for p in pairs) == ["Jon", "Jonathan"]
        assert all(SAME_PHONE in p.reasons for p in pairs)
        assert hs.counters["search"].total == 1
        korean = Contact("new", {"firstname": "민지", "lastname": "김", "company": "(주)ACME"})
        pairs = await find.for_contact(korean)  # stored as 민지 + 김, and as 김민지
        assert sorted(p.keep.get("firstname") for p in pairs) == ["김민지", "민지"]
        assert all(p.reasons == (SAME_NAME_COMPANY,) for p in pairs)
        assert hs.counters["search"].total == 2


async def test_a_phone_in_another_field_and_format_at_another_company() -> None:
    async with finder() as (find, _):
        ann = await find.for_company("Globex")  # no pairs within Globex
        assert ann == []
        typed = Contact("new", {"firstname": "A", "phone": "+1 (415) 555-0199"})
        pairs = await find.for_contact(typed)
        assert sorted(p.keep.get("firstname") for p in pairs) == ["Ann", "Annie"]
        # stored as "+14155550100" and as "(415) 555-0100": both found by the digits alone
        typed = Contact("new", {"firstname": "J", "lastname": "Smith", "phone": "415 555 0100"})
        pairs = await find.for_contact(typed)
        assert sorted(p.keep.get("firstname") for p in pairs) == ["Jon", "Jonathan"]
        assert find.searches == 3


async def test_the_users_own_contacts_are_paired_within_and_beyond() -> None:
    async with finder() as (find, hs):
        everyone = await find.everyone()
        assert len(everyone) == len(ACME) + len(ELSEWHERE)
        mine = [c for c in everyone if c.get("firstname") in ("Jon", "Ann", "Maria", "GARCIA")]
        before = hs.counters["search"].total
        pairs = await find.for_contacts(mine)
        assert names(pairs) == [
            ("Ann Lee", "Annie Lee", (SAME_PHONE,)),
            ("Jon Smith", "Jonathan Smith", (SAME_PHONE, SIMILAR_NAME_COMPANY)),
            ("Maria Garcia", "GARCIA MARIA", (SAME_NAME_COMPANY,)),
        ]
        # phones IN one group each, Acme / Acme Foods / Globex and the two work domains as
        # groups: two searches for four contacts
        assert hs.counters["search"].total - before == 2


async def test_everyone_pages_by_id_past_the_page_size() -> None:
    async with hubspot_server() as hs:
        await hs.store.bulk_insert(
            [{"email": f"p{i}@x.com", "firstname": f"P{i}"} for i in range(250)]
        )
        budget = RequestBudget(BudgetLimits(calls=10_000, searches=10_000))
        adapter = HubSpotAdapter(hs.token, host=hs.url, timeout_seconds=5, budget=budget)
        try:
            find = DuplicateFinder(adapter)
            assert len({c.id for c in await find.everyone()}) == 250
            assert find.searches == 3
        finally:
            adapter.close()


async def test_searches_wait_for_the_budget_and_hubspot_never_says_429() -> None:
    """Five searches a second: a find over many contacts queues behind the budget."""
    async with finder(rate_limits=RateLimits()) as (_, hs):
        adapter = HubSpotAdapter(hs.token, host=hs.url, timeout_seconds=5, budget=RequestBudget())
        try:
            find = DuplicateFinder(adapter)
            for person in ACME + ELSEWHERE:
                await find.for_contact(Contact("new", person))
            assert find.searches == len(ACME + ELSEWHERE)
            assert hs.counters["search"].statuses == {200: find.searches}
        finally:
            adapter.close()


def test_groups_are_packed_within_hubspots_limits() -> None:
    two_phones = Contact(
        "1",
        {
            "phone": "+14155550100",
            "mobilephone": "+14155550101",
            "company": "Acme Robotics Inc",
            "email": "x@acme.com",
        },
    )
    groups = candidate_groups(two_phones)
    assert len(groups) == 6  # 2 numbers x 2 fields, company words, email domain
    searches = pack(groups + groups)  # repeats are dropped
    assert [len(s) for s in searches] == [5, 1]
    assert all(sum(len(g) for g in s) <= 18 for s in searches)


async def test_the_contacts_a_user_owns() -> None:
    async with hubspot_server() as hs:
        await hs.store.bulk_insert(
            [
                {**p, "hubspot_owner_id": "77"} if p["firstname"] in ("Jon", "Jane") else p
                for p in ACME
            ]
        )
        budget = RequestBudget(BudgetLimits(calls=10_000, searches=10_000))
        adapter = HubSpotAdapter(hs.token, host=hs.url, timeout_seconds=5, budget=budget)
        try:
            find = DuplicateFinder(adapter)
            pairs = await find.for_owner("77")
        finally:
            adapter.close()
        assert names(pairs) == [("Jon Smith", "Jonathan Smith", (SAME_PHONE, SIMILAR_NAME_COMPANY))]
        assert find.searches == 2  # the owned contacts, then one search beyond them
