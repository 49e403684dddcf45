"""Merging two contacts on the local HubSpot, through the official SDK
(`crm.contacts.basic_api.merge`): what a client sees afterwards must be what HubSpot shows.

HubSpot's rules (contacts-api-facts.md §3 "Merge"): the primary keeps its email and the other's
becomes an additional email; for other properties the most recent value wins; the lifecycle
stage keeps the furthest stage; the merged-away id still resolves, to the merged contact, for a
single read or PATCH, but not in a batch update; it leaves the list and search.
"""

from __future__ import annotations

import asyncio
import json

import pytest
from hubspot.crm.contacts import (
    ApiException,
    BatchInputSimplePublicObjectBatchInput,
    PublicMergeInput,
    PublicObjectSearchRequest,
    SimplePublicObjectInput,
    SimplePublicObjectInputForCreate,
)

from tests.support.hubspot_server import hubspot_server


@pytest.fixture
async def hs():
    async with hubspot_server() as server:
        yield server


async def call(fn, *args, **kwargs):
    return await asyncio.to_thread(fn, *args, **kwargs)


async def create(client, **props):
    body = SimplePublicObjectInputForCreate(properties=props)
    return await call(
        client.crm.contacts.basic_api.create, simple_public_object_input_for_create=body
    )


async def merge(client, primary: str, other: str):
    return await call(
        client.crm.contacts.basic_api.merge,
        PublicMergeInput(primary_object_id=primary, object_id_to_merge=other),
    )


async def search_ids(client, prop: str, operator: str, value: str) -> list[str]:
    body = PublicObjectSearchRequest(
        filter_groups=[{"filters": [{"propertyName": prop, "operator": operator, "value": value}]}],
        limit=100,
    )
    page = await call(client.crm.contacts.search_api.do_search, body)
    return sorted(r.id for r in page.results)


async def listed_ids(client) -> list[str]:
    page = await call(client.crm.contacts.basic_api.get_page, limit=100)
    return sorted(r.id for r in page.results)


async def pair(client):
    """Jon Smith typed twice: a work contact and, later, a personal one with a phone."""
    work = await create(
        client, email="jon@acme.com", firstname="Jon", lastname="Smith", company="Acme"
    )
    home = await create(
        client,
        email="jonny@mail.example",
        firstname="Jonathan",
        lastname="Smith",
        phone="+14155550100",
        lifecyclestage="customer",
    )
    return work, home


async def test_the_merged_away_id_resolves_to_the_primary(hs):
    client = hs.sdk()
    work, home = await pair(client)
    merged = await merge(client, work.id, home.id)
    assert merged.id == work.id
    got = await call(
        client.crm.contacts.basic_api.get_by_id, home.id, properties=["email", "phone"]
    )
    assert got.id == work.id
    assert got.properties["email"] == "jon@acme.com"
    assert got.properties["phone"] == "+14155550100"


async def test_the_merged_contact_holds_both(hs):
    client = hs.sdk()
    work, home = await pair(client)
    merged = await merge(client, work.id, home.id)
    props = merged.properties
    assert props["email"] == "jon@acme.com"  # the primary keeps its email
    assert props["hs_additional_emails"].split(";") == ["jonny@mail.example"]
    assert props["firstname"] == "Jonathan"  # the most recent value wins
    assert props["company"] == "Acme"  # nothing newer on the other: kept
    assert props["lifecyclestage"] == "customer"
    assert props["hs_merged_object_ids"].split(";") == [home.id]
    assert sorted(props["hs_all_contact_vids"].split(";")) == sorted([work.id, home.id])


async def test_the_merged_away_contact_leaves_the_list_and_search(hs):
    client = hs.sdk()
    work, home = await pair(client)
    other = await create(client, email="ann@acme.com", firstname="Ann")
    assert await search_ids(client, "lastname", "EQ", "smith") == sorted([work.id, home.id])
    await merge(client, work.id, home.id)
    assert await listed_ids(client) == sorted([work.id, other.id])
    assert await search_ids(client, "lastname", "EQ", "smith") == [work.id]
    # the merged contact is found by what only the other had
    assert await search_ids(client, "phone", "EQ", "+14155550100") == [work.id]
    assert await search_ids(client, "firstname", "EQ", "jonathan") == [work.id]


async def test_a_second_merge_of_the_pair_changes_nothing(hs):
    """A Confirm sent twice: the second finds both ids on one contact and HubSpot refuses."""
    client = hs.sdk()
    work, home = await pair(client)
    merged = await merge(client, work.id, home.id)
    with pytest.raises(ApiException) as info:
        await merge(client, work.id, home.id)
    assert info.value.status == 400
    assert json.loads(info.value.body)["category"] == "VALIDATION_ERROR"
    again = await call(client.crm.contacts.basic_api.get_by_id, work.id)
    assert again.updated_at == merged.updated_at
    assert hs.counters["merge"].committed == 1


async def test_a_patch_by_the_old_id_changes_the_merged_contact_but_a_batch_update_does_not(hs):
    client = hs.sdk()
    work, home = await pair(client)
    await merge(client, work.id, home.id)
    api = client.crm.contacts.basic_api
    changed = await call(api.update, home.id, SimplePublicObjectInput(properties={"city": "Oslo"}))
    assert changed.id == work.id and changed.properties["city"] == "Oslo"
    with pytest.raises(ApiException) as info:
        await call(
            client.crm.contacts.batch_api.update,
            BatchInputSimplePublicObjectBatchInput(
                inputs=[{"id": home.id, "properties": {"city": "Rome"}}]
            ),
        )
    assert info.value.status == 404


async def test_merging_into_a_merged_contact_follows_the_chain(hs):
    client = hs.sdk()
    work, home = await pair(client)
    third = await create(client, email="j.smith@acme.com", firstname="J", lastname="Smith")
    await merge(client, work.id, home.id)
    final = await merge(client, third.id, work.id)
    assert final.id == third.id
    for old in (work.id, home.id):
        got = await call(client.crm.contacts.basic_api.get_by_id, old)
        assert got.id == third.id
    assert sorted(final.properties["hs_merged_object_ids"].split(";")) == sorted([work.id, home.id])
    assert await listed_ids(client) == [third.id]


async def test_merging_a_contact_with_itself_is_refused(hs):
    client = hs.sdk()
    work, _ = await pair(client)
    with pytest.raises(ApiException) as info:
        await merge(client, work.id, work.id)
    assert info.value.status == 400
    assert len(await listed_ids(client)) == 2
