"""Searching, creating and updating contacts through ContactsService, against the local HubSpot
API via the official SDK. Each test checks what a user is told and what HubSpot then holds."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

import pytest

from contacts import (
    ContactChanged,
    ContactNotFound,
    ContactsService,
    DuplicateContact,
    InvalidContact,
    SearchCriteria,
)
from contacts.budget import BudgetLimits, RequestBudget
from contacts.hubspot import HubSpotAdapter
from contacts.model import Contact
from tests.support.hubspot_server import LocalHubSpot, hubspot_server


def make_adapter(hs: LocalHubSpot, **kwargs: Any) -> HubSpotAdapter:
    kwargs.setdefault("budget", RequestBudget(BudgetLimits(calls=10_000, searches=10_000)))
    return HubSpotAdapter(hs.token, host=hs.url, timeout_seconds=5, **kwargs)


@asynccontextmanager
async def service(
    region: str = "US", **server: Any
) -> AsyncIterator[tuple[ContactsService, LocalHubSpot]]:
    async with hubspot_server(**server) as hs:
        adapter = make_adapter(hs)
        try:
            yield ContactsService(adapter, default_region=region), hs
        finally:
            adapter.close()


async def held(hs: LocalHubSpot) -> list[dict[str, str]]:
    """Every contact HubSpot holds, as property dicts."""
    records, _ = await hs.store.page(0, 10_000)
    return [r.props for r in records]


KIM = {
    "firstname": "Minji",
    "lastname": "Kim",
    "email": "Minji.Kim@Example.com",
    "phone": "010-1234-5678",
    "company": "Acme Korea",
}


async def test_create_stores_normalised_values_and_reads_back_at_once() -> None:
    async with service(region="KR", search_lag_ms=2000) as (contacts, hs):
        result = await contacts.create(KIM)
        assert result.contact.email == "minji.kim@example.com"
        assert result.contact.get("phone") == "+821012345678"
        assert result.same_name == []
        # Read straight after the write, although the search index lags 2 s behind.
        assert (await contacts.get(result.contact.id)).full_name == "Minji Kim"
        found = await contacts.find_by_email("MINJI.KIM@example.com")
        assert found is not None and found.id == result.contact.id
        page = await contacts.search(SearchCriteria(email="minji.kim@example.com"))
        assert [c.id for c in page.results] == [result.contact.id]
        stored = await held(hs)
    assert len(stored) == 1
    assert stored[0]["email"] == "minji.kim@example.com"
    assert stored[0]["phone"] == "+821012345678"


async def test_same_email_again_is_a_duplicate_with_the_existing_contact() -> None:
    async with service() as (contacts, hs):
        first = await contacts.create({"email": "lee@example.com", "firstname": "Jae"})
        with pytest.raises(DuplicateContact) as caught:
            await contacts.create({"email": " LEE@example.com", "firstname": "Other"})
        assert caught.value.existing is not None
        assert caught.value.existing.id == first.contact.id
        assert caught.value.existing.get("firstname") == "Jae"
        assert len(await held(hs)) == 1


class RacingAdapter(HubSpotAdapter):
    """A second bot instance creates the same email between our lookup and our create."""

    def __init__(self, *args: Any, rival: HubSpotAdapter, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rival = rival
        self.rival_made: Contact | None = None

    async def get(
        self, id_or_email: str, id_property: str | None = None, properties: Any = None
    ) -> Contact:
        try:
            return await super().get(id_or_email, id_property, properties)
        except ContactNotFound:
            if id_property == "email" and self.rival_made is None:
                self.rival_made = await self.rival.create(
                    {"email": id_or_email, "firstname": "Rival"}
                )
            raise


async def test_hubspot_409_backstop_reports_the_existing_contact() -> None:
    async with hubspot_server() as hs:
        rival = make_adapter(hs)
        racing = RacingAdapter(
            hs.token,
            host=hs.url,
            rival=rival,
            budget=RequestBudget(BudgetLimits(calls=1000, searches=1000)),
        )
        contacts = ContactsService(racing)
        try:
            with pytest.raises(DuplicateContact) as caught:
                await contacts.create({"email": "park@example.com", "firstname": "Ours"})
        finally:
            racing.close()
            rival.close()
        assert racing.rival_made is not None
        assert caught.value.existing is not None
        assert caught.value.existing.id == racing.rival_made.id
        assert caught.value.existing.get("firstname") == "Rival"
        assert hs.counters["create"].statuses.get(409) == 1
        assert [p["firstname"] for p in await held(hs)] == ["Rival"]


async def test_same_full_name_with_another_email_is_a_warning_not_an_error() -> None:
    async with service() as (contacts, hs):
        first = await contacts.create(
            {"firstname": "Minji", "lastname": "Kim", "email": "minji@one.example"}
        )
        second = await contacts.create(
            {"firstname": "minji", "lastname": "KIM", "email": "minji@two.example"}
        )
        assert [c.id for c in second.same_name] == [first.contact.id]
        assert len(await held(hs)) == 2


async def test_bad_input_is_explained_and_nothing_is_written() -> None:
    async with service() as (contacts, hs):
        for typed, field in [
            ({"email": "kim@"}, "email"),
            ({"email": "a@example.com", "phone": "12"}, "phone"),
            ({"email": "b@example.com", "shoe_size": "9"}, "shoe_size"),
            ({"company": "Acme"}, "email"),
        ]:
            with pytest.raises(InvalidContact) as caught:
                await contacts.create(typed)
            assert caught.value.field == field
        assert await held(hs) == []


async def seed(contacts: ContactsService, people: Sequence[Mapping[str, str]]) -> dict[str, str]:
    ids = {}
    for p in people:
        ids[p["email"]] = (await contacts.create(p)).contact.id
    return ids


PEOPLE = [
    {
        "firstname": "Minji",
        "lastname": "Kim",
        "email": "minji@acme.example",
        "company": "Acme Korea",
        "phone": "+82 10-1111-2222",
    },
    {
        "firstname": "Kim",
        "lastname": "Jones",
        "email": "kim.jones@globex.example",
        "company": "Globex",
        "mobilephone": "+1 212 555 0100",
    },
    {
        "firstname": "Jisoo",
        "lastname": "Park",
        "email": "jisoo@acme.example",
        "company": "Acme Korea",
    },
    {
        "firstname": "Mary Ann",
        "lastname": "Smith",
        "email": "mas@initech.example",
        "company": "Initech",
    },
]


@pytest.mark.parametrize(
    ("criteria", "expected"),
    [
        (SearchCriteria(name="kim"), {"minji@acme.example", "kim.jones@globex.example"}),
        (SearchCriteria(name="Kim Minji"), {"minji@acme.example"}),
        (SearchCriteria(name="Minji Kim"), {"minji@acme.example"}),
        (SearchCriteria(name="Mary Ann Smith"), {"mas@initech.example"}),
        (SearchCriteria(company="acme"), {"minji@acme.example", "jisoo@acme.example"}),
        (SearchCriteria(company="Acme", name="Park"), {"jisoo@acme.example"}),
        (SearchCriteria(phone="(212) 555-0100"), {"kim.jones@globex.example"}),
        (SearchCriteria(email="@acme.example"), {"minji@acme.example", "jisoo@acme.example"}),
        (SearchCriteria(text="globex"), {"kim.jones@globex.example"}),
        (
            SearchCriteria(
                filters=({"propertyName": "company", "operator": "EQ", "value": "Initech"},)
            ),
            {"mas@initech.example"},
        ),
        (SearchCriteria(name="Nobody"), set()),
        (SearchCriteria(), {p["email"] for p in PEOPLE}),
    ],
    ids=lambda v: str(v)[:40] if isinstance(v, set) else None,
)
async def test_search_finds_what_a_user_means(criteria: SearchCriteria, expected: set[str]) -> None:
    async with service() as (contacts, _hs):
        await seed(contacts, PEOPLE)
        page = await contacts.search(criteria)
    assert {c.email for c in page.results} == expected
    assert page.total == len(expected)


async def test_korean_local_phone_search_uses_the_default_region() -> None:
    async with service(region="KR") as (contacts, _hs):
        await seed(contacts, PEOPLE)
        page = await contacts.search(SearchCriteria(phone="010-1111-2222"))
    assert [c.email for c in page.results] == ["minji@acme.example"]


KOREANS = [
    {
        "lastname": "김",
        "firstname": "민수",
        "email": "minsu@hanbit.example",
        "phone": "010-2222-3333",
    },
    {"lastname": "남궁", "firstname": "민수", "email": "namgung@hanbit.example"},
    {"lastname": "김", "firstname": "민", "email": "kimmin@hanbit.example"},
    {"firstname": "김민수", "email": "onefield@hanbit.example"},  # the whole name in one field
]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("김민수", {"minsu@hanbit.example", "onefield@hanbit.example"}),
        ("김 민수", {"minsu@hanbit.example"}),
        ("남궁민수", {"namgung@hanbit.example"}),
        ("김민", {"kimmin@hanbit.example"}),
        ("민수", {"minsu@hanbit.example", "namgung@hanbit.example"}),
        ("이민수", set()),
    ],
)
async def test_an_unspaced_korean_name_finds_family_and_given_name(
    name: str, expected: set[str]
) -> None:
    """Korean users type "김민수" in one piece; HubSpot holds lastname 김, firstname 민수."""
    async with service(region="KR") as (contacts, _hs):
        await seed(contacts, KOREANS)
        page = await contacts.search(SearchCriteria(name=name))
        assert {c.email for c in page.results} == expected
        # With a phone too, the search still fits HubSpot's filter limits and still matches.
        page = await contacts.search(SearchCriteria(name=name, phone="010-2222-3333"))
        assert {c.email for c in page.results} == expected & {"minsu@hanbit.example"}


async def test_search_pages_with_next_after() -> None:
    async with service() as (contacts, hs):
        await hs.store.bulk_insert(
            {"email": f"p{i}@acme.example", "company": "Acme"} for i in range(7)
        )
        first = await contacts.search(SearchCriteria(company="acme"), limit=5)
        second = await contacts.search(
            SearchCriteria(company="acme"), limit=5, after=first.next_after
        )
    assert first.total == 7 and len(first.results) == 5 and first.next_after
    assert len(second.results) == 2 and second.next_after is None
    assert {c.id for c in first.results}.isdisjoint({c.id for c in second.results})


async def test_plan_shows_only_real_changes_and_writes_nothing() -> None:
    async with service(region="KR") as (contacts, hs):
        made = (await contacts.create(KIM)).contact
        plan = await contacts.plan_update(
            made.id,
            {
                "phone": "+82 10 1234 5678",
                "jobtitle": " Sales Lead ",
                "company": "Acme Korea",
                "city": "",
            },
        )
        assert [(c.field, c.old, c.new) for c in plan.changes] == [("jobtitle", "", "Sales Lead")]
        assert plan.expected_version == made.version
        assert "jobtitle" not in (await held(hs))[0]
        updated = await contacts.apply_update(plan)
        assert updated.get("jobtitle") == "Sales Lead"
        assert (await held(hs))[0]["jobtitle"] == "Sales Lead"


async def test_plan_with_nothing_new_says_so() -> None:
    async with service() as (contacts, _hs):
        made = (await contacts.create({"email": "a@example.com", "firstname": "Ann"})).contact
        with pytest.raises(InvalidContact) as caught:
            await contacts.plan_update(made.id, {"firstname": " Ann "})
    assert (caught.value.field, caught.value.reason_code) == ("*", "empty")


async def test_apply_refuses_when_the_contact_changed_after_the_preview() -> None:
    async with service() as (contacts, hs):
        made = (await contacts.create({"email": "a@example.com", "firstname": "Ann"})).contact
        plan = await contacts.plan_update(made.id, {"jobtitle": "CTO"})
        other = await contacts.plan_update(made.id, {"city": "Seoul"})
        await contacts.apply_update(other)  # someone else confirmed first
        with pytest.raises(ContactChanged) as caught:
            await contacts.apply_update(plan)
        assert caught.value.current.get("city") == "Seoul"
        stored = (await held(hs))[0]
    assert stored["city"] == "Seoul" and "jobtitle" not in stored


async def test_an_email_another_contact_has_cannot_be_taken() -> None:
    async with service() as (contacts, hs):
        a = (await contacts.create({"email": "a@example.com"})).contact
        b = (await contacts.create({"email": "b@example.com"})).contact
        with pytest.raises(DuplicateContact) as caught:
            await contacts.plan_update(b.id, {"email": "A@example.com"})
        existing = caught.value.existing
        assert existing is not None and existing.id == a.id
        plan = await contacts.plan_update(b.id, {"email": "c@example.com"})
        await contacts.create({"email": "c@example.com"})  # taken before Confirm
        with pytest.raises(DuplicateContact):
            await contacts.apply_update(plan)
        assert sorted(p["email"] for p in await held(hs)) == [
            "a@example.com",
            "b@example.com",
            "c@example.com",
        ]


async def test_unknown_contact_is_not_found() -> None:
    async with service() as (contacts, _hs):
        with pytest.raises(ContactNotFound):
            await contacts.get("999999")
        with pytest.raises(ContactNotFound):
            await contacts.plan_update("not-an-id", {"city": "Seoul"})
        assert await contacts.find_by_email("ghost@example.com") is None
