"""A phone search finds the number however it was typed into HubSpot: this app stores E.164,
but contacts made in HubSpot's own UI or by imports keep the format their author used."""

from __future__ import annotations

import pytest

from contacts import SearchCriteria
from tests.contacts.test_contacts_service import service

STORED_ELSEWHERE = [
    {
        "firstname": "Mary",
        "lastname": "Jackson",
        "email": "mary@fabrikam.com",
        "phone": "+1 415-428-3286",
    },
    {
        "firstname": "Leo",
        "lastname": "Park",
        "email": "leo@hanbit.kr",
        "mobilephone": "010-2222-3333",
    },
    {"firstname": "Ann", "lastname": "Lee", "email": "ann@globex.com", "phone": "+14155550100"},
]


@pytest.mark.parametrize(
    ("typed", "region", "email"),
    [
        ("415 428 3286", "US", "mary@fabrikam.com"),
        ("(415) 428-3286", "US", "mary@fabrikam.com"),
        ("+1 415 428 3286", "KR", "mary@fabrikam.com"),
        ("010 2222 3333", "KR", "leo@hanbit.kr"),
        ("+82 10-2222-3333", "US", "leo@hanbit.kr"),
        ("415.555.0100", "US", "ann@globex.com"),
    ],
)
async def test_a_phone_search_matches_any_stored_format(typed, region, email):
    async with service(region) as (contacts, hs):
        await hs.store.bulk_insert(STORED_ELSEWHERE)
        page = await contacts.search(SearchCriteria(phone=typed))
        assert [c.email for c in page.results] == [email]


async def test_a_phone_search_with_a_name_still_works():
    async with service("US") as (contacts, hs):
        await hs.store.bulk_insert(STORED_ELSEWHERE)
        page = await contacts.search(SearchCriteria(phone="+1 415 555 0100", name="Ann Lee"))
        assert [c.email for c in page.results] == ["ann@globex.com"]
        page = await contacts.search(SearchCriteria(phone="+1 415 555 0199"))
        assert page.results == []
