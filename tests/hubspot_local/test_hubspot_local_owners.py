"""The local HubSpot's owners API through the official SDK (`client.crm.owners.owners_api`):
list filtered by email and paged, read by id (and userId), 404 for an unknown id, the owners
scope; contacts keep a `hubspot_owner_id` only when it names an owner, as HubSpot does."""

from __future__ import annotations

import asyncio
import json

import pytest
from hubspot.crm.contacts import SimplePublicObjectInputForCreate
from hubspot.crm.contacts.exceptions import ApiException as ContactsApiException
from hubspot.crm.owners.exceptions import ApiException as OwnersApiException

from hubspot_local.owners import DEMO_OWNERS, assign_demo_owners, seed_demo_owners
from tests.support.hubspot_server import hubspot_server

pytestmark = pytest.mark.timeout(30)


async def test_owners_are_found_by_email_and_read_by_id_through_the_sdk():
    async with hubspot_server() as hs:
        ann = await hs.controls.owners.add("Ann.Lee@Acme.com", "Ann", "Lee")
        bob = await hs.controls.owners.add("bob@acme.com", "Bob", "Stone")
        await hs.controls.owners.add("gone@acme.com", "Gone", "User", archived=True)
        api = hs.sdk().crm.owners.owners_api

        page = await asyncio.to_thread(api.get_page, email="ann.lee@acme.com")
        assert [(o.id, o.email, o.first_name, o.last_name) for o in page.results] == [
            (ann["id"], "ann.lee@acme.com", "Ann", "Lee")
        ]
        assert page.results[0].user_id != int(ann["id"])  # userId is not the owner id
        assert (await asyncio.to_thread(api.get_page, email="nobody@acme.com")).results == []
        assert (await asyncio.to_thread(api.get_page, email="gone@acme.com")).results == []
        archived = await asyncio.to_thread(api.get_page, email="gone@acme.com", archived=True)
        assert [o.email for o in archived.results] == ["gone@acme.com"]

        first = await asyncio.to_thread(api.get_page, limit=1)
        assert [o.id for o in first.results] == [ann["id"]]
        second = await asyncio.to_thread(api.get_page, limit=1, after=first.paging.next.after)
        assert [o.id for o in second.results] == [bob["id"]] and second.paging is None

        owner = await asyncio.to_thread(api.get_by_id, int(bob["id"]))
        assert (owner.email, owner.first_name) == ("bob@acme.com", "Bob")
        by_user = await asyncio.to_thread(api.get_by_id, owner.user_id, id_property="userId")
        assert by_user.id == bob["id"]
        with pytest.raises(OwnersApiException) as missing:
            await asyncio.to_thread(api.get_by_id, 99)
        assert missing.value.status == 404
        assert json.loads(missing.value.body)["category"] == "OBJECT_NOT_FOUND"


async def test_owners_need_the_owners_scope():
    async with hubspot_server() as hs:
        hs.controls.scopes = frozenset({"crm.objects.contacts.read", "crm.objects.contacts.write"})
        with pytest.raises(OwnersApiException) as refused:
            await asyncio.to_thread(hs.sdk().crm.owners.owners_api.get_page)
        assert refused.value.status == 403
        assert "crm.objects.owners.read" in refused.value.body


async def test_a_contact_keeps_an_owner_id_only_when_it_names_an_owner():
    async with hubspot_server() as hs:
        ann = await hs.controls.owners.add("ann@acme.com", "Ann", "Lee")
        gone = await hs.controls.owners.add("gone@acme.com", archived=True)
        basic = hs.sdk().crm.contacts.basic_api

        def create(email: str, owner: str):
            body = SimplePublicObjectInputForCreate(
                properties={"email": email, "hubspot_owner_id": owner}
            )
            return basic.create(body)

        made = await asyncio.to_thread(create, "jane@example.org", ann["id"])
        read = await asyncio.to_thread(basic.get_by_id, made.id, properties=["hubspot_owner_id"])
        assert read.properties["hubspot_owner_id"] == ann["id"]
        for bad in ("12345", gone["id"], "not-a-number"):
            with pytest.raises(ContactsApiException) as refused:
                await asyncio.to_thread(create, f"x{bad}@example.org", bad)
            body = json.loads(refused.value.body)
            assert refused.value.status == 400 and body["category"] == "VALIDATION_ERROR"
            assert body["errors"][0]["code"] == "INVALID_OWNER_ID"
            assert body["errors"][0]["context"] == {"propertyName": ["hubspot_owner_id"]}
        assert await hs.store.count() == 1  # nothing half-made


async def test_demo_owners_are_seeded_once_and_own_most_demo_contacts():
    async with hubspot_server() as hs:
        ids = await seed_demo_owners(hs.controls.owners)
        assert len(ids) == len(DEMO_OWNERS)
        assert await seed_demo_owners(hs.controls.owners) == ids  # not twice
        contacts = assign_demo_owners([{"email": f"c{i}@example.org"} for i in range(8)], ids)
        owned = [c.get("hubspot_owner_id") for c in contacts]
        assert owned.count(None) == 2 and set(owned) - {None} == set(ids)
