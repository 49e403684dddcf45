"""The local HubSpot API through the official SDK: create, read, update, archive, list, errors.

Every call goes through `hubspot-api-client` (in a thread: the SDK is synchronous) to the app
running on 127.0.0.1 in the test's loop, so what is asserted is what a client of HubSpot sees.
"""

from __future__ import annotations

import asyncio
import json
import re
import urllib.request

import pytest
from hubspot.crm.contacts import (
    ApiException,
    SimplePublicObjectInput,
    SimplePublicObjectInputForCreate,
)

from tests.support.hubspot_server import hubspot_server

ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
DEFAULTS = {"createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"}


@pytest.fixture
async def hs():
    async with hubspot_server(rate_limits=None) as server:
        yield server


def sdk(server):
    import hubspot

    return hubspot.Client.create(access_token=server.token, host=server.url)


async def call(fn, *args, **kwargs):
    return await asyncio.to_thread(fn, *args, **kwargs)


async def create(client, **props):
    body = SimplePublicObjectInputForCreate(properties=props)
    return await call(
        client.crm.contacts.basic_api.create, simple_public_object_input_for_create=body
    )


async def api_error(fn, *args, **kwargs) -> tuple[int, dict]:
    with pytest.raises(ApiException) as info:
        await call(fn, *args, **kwargs)
    return info.value.status, json.loads(info.value.body)


async def test_create_returns_hubspot_shaped_record(hs):
    client = sdk(hs)
    rec = await create(
        client, email="Jane.Doe@Example.COM", firstname="Jane", lastname="Doe", company="Acme"
    )
    assert rec.id.isdigit()
    p = rec.properties
    assert p["hs_object_id"] == rec.id
    assert p["email"] == "jane.doe@example.com"  # stored lower-cased
    assert p["firstname"] == "Jane" and p["company"] == "Acme"
    assert ISO_MS.match(p["createdate"]) and ISO_MS.match(p["lastmodifieddate"])
    assert rec.archived is False
    assert all(v is None or isinstance(v, str) for v in p.values())
    got = await call(client.crm.contacts.basic_api.get_by_id, rec.id)
    assert set(got.properties) == DEFAULTS
    assert got.properties["email"] == "jane.doe@example.com"


async def test_create_answers_201_and_iso_timestamps_on_the_wire(hs):
    req = urllib.request.Request(
        hs.url + "/crm/v3/objects/contacts",
        method="POST",
        data=json.dumps({"properties": {"email": "wire@example.com"}}).encode(),
        headers={"Authorization": f"Bearer {hs.token}", "Content-Type": "application/json"},
    )
    resp = await call(urllib.request.urlopen, req)
    body = json.loads(resp.read())
    assert resp.status == 201
    assert ISO_MS.match(body["createdAt"]) and ISO_MS.match(body["updatedAt"])
    assert body["id"] == body["properties"]["hs_object_id"]
    assert body["archived"] is False


async def test_get_by_email_and_requested_properties(hs):
    client = sdk(hs)
    rec = await create(client, email="a+tag@example.com", firstname="Ann", city="Seoul")
    api = client.crm.contacts.basic_api
    got = await call(
        api.get_by_id,
        "A+Tag@Example.com",
        id_property="email",
        properties=["city", "firstname", "no_such_property"],
    )
    assert got.id == rec.id
    assert got.properties["city"] == "Seoul"
    assert got.properties["firstname"] == "Ann"
    assert "no_such_property" not in got.properties  # unknown names are ignored
    assert got.properties["hs_object_id"] == rec.id
    status, body = await api_error(api.get_by_id, "nobody@example.com", id_property="email")
    assert status == 404 and body["category"] == "OBJECT_NOT_FOUND"


async def test_comma_separated_properties_are_accepted(hs):
    rec = await create(sdk(hs), email="c@example.com", city="Busan", jobtitle="CTO")
    req = urllib.request.Request(
        f"{hs.url}/crm/v3/objects/contacts/{rec.id}?properties=city,jobtitle",
        headers={"Authorization": f"Bearer {hs.token}"},
    )
    body = json.loads((await call(urllib.request.urlopen, req)).read())
    assert body["properties"]["city"] == "Busan" and body["properties"]["jobtitle"] == "CTO"


async def test_requested_empty_property_is_null(hs):
    client = sdk(hs)
    rec = await create(client, email="n@example.com")
    got = await call(client.crm.contacts.basic_api.get_by_id, rec.id, properties=["phone"])
    assert got.properties["phone"] is None


async def test_update_by_id_and_by_email_and_clear(hs):
    client = sdk(hs)
    api = client.crm.contacts.basic_api
    rec = await create(client, email="u@example.com", firstname="Old", phone="+1 555 0100")
    upd = await call(api.update, rec.id, SimplePublicObjectInput(properties={"firstname": "New"}))
    assert upd.properties["firstname"] == "New"
    assert upd.updated_at >= rec.updated_at
    await call(
        api.update,
        "U@example.com",
        SimplePublicObjectInput(properties={"phone": ""}),
        id_property="email",
    )
    got = await call(api.get_by_id, rec.id, properties=["firstname", "phone"])
    assert got.properties["firstname"] == "New"
    assert got.properties["phone"] is None  # "" clears a value


async def test_archive_hides_the_record_and_unknown_id_is_still_204(hs):
    client = sdk(hs)
    api = client.crm.contacts.basic_api
    rec = await create(client, email="gone@example.com")
    await call(api.archive, rec.id)
    status, body = await api_error(api.get_by_id, rec.id)
    assert status == 404
    assert body["message"] == "Object not found.  objectId are usually numeric."
    await call(api.archive, "999999")  # no error
    again = await create(client, email="gone@example.com")  # the email is free again
    assert again.id != rec.id


async def test_list_pages_to_the_end(hs):
    client = sdk(hs)
    api = client.crm.contacts.basic_api
    made = [(await create(client, email=f"l{i}@example.com")).id for i in range(23)]
    seen, after, pages = [], None, 0
    while True:
        page = await call(api.get_page, limit=10, after=after, properties=["email"])
        pages += 1
        seen += [r.id for r in page.results]
        if not page.paging:
            break
        after = page.paging.next.after
    assert seen == made and pages == 3


async def test_unknown_property_is_400_property_doesnt_exist(hs):
    client = sdk(hs)
    status, body = await api_error(
        client.crm.contacts.basic_api.create,
        simple_public_object_input_for_create=SimplePublicObjectInputForCreate(
            properties={"email": "x@example.com", "favourite_colour": "blue"}
        ),
    )
    assert status == 400 and body["category"] == "VALIDATION_ERROR"
    assert body["message"].startswith("Property values were not valid: ")
    assert body["errors"][0]["code"] == "PROPERTY_DOESNT_EXIST"
    assert body["errors"][0]["context"] == {"propertyName": ["favourite_colour"]}
    # nothing was written
    status, _ = await api_error(
        client.crm.contacts.basic_api.get_by_id, "x@example.com", id_property="email"
    )
    assert status == 404


@pytest.mark.parametrize(
    "props,code,needle",
    [
        ({"email": "not-an-email"}, "INVALID_EMAIL", "Email address not-an-email is invalid"),
        ({"email": "ok@example.com", "hs_object_id": "5"}, "READ_ONLY_VALUE", "hs_object_id"),
        ({"email": "ok@example.com", "createdate": "2020-01-01"}, "READ_ONLY_VALUE", "createdate"),
        ({"email": "ok@example.com", "message": "x" * 65_537}, "INVALID_LENGTH", "message"),
        ({"email": "ok@example.com", "lifecyclestage": "Customer"}, "INVALID_OPTION", "Customer"),
    ],
)
async def test_bad_values_are_400_with_hubspot_body(hs, props, code, needle):
    status, body = await api_error(
        sdk(hs).crm.contacts.basic_api.create,
        simple_public_object_input_for_create=SimplePublicObjectInputForCreate(properties=props),
    )
    assert status == 400 and body["category"] == "VALIDATION_ERROR"
    assert body["errors"][0]["code"] == code
    assert needle in body["message"]
    assert body["correlationId"]


async def test_longest_allowed_value_is_kept(hs):
    rec = await create(sdk(hs), email="long@example.com", message="y" * 65_536)
    assert len(rec.properties["message"]) == 65_536


async def test_duplicate_email_is_409_case_insensitively(hs):
    client = sdk(hs)
    first = await create(client, email="dup@example.com")
    status, body = await api_error(
        client.crm.contacts.basic_api.create,
        simple_public_object_input_for_create=SimplePublicObjectInputForCreate(
            properties={"email": "DUP@Example.com"}
        ),
    )
    assert status == 409 and body["category"] == "CONFLICT"
    assert body["message"] == f"Contact already exists. Existing ID: {first.id}"


async def test_patch_to_an_existing_email_is_409_and_changes_nothing(hs):
    client = sdk(hs)
    api = client.crm.contacts.basic_api
    a = await create(client, email="a@example.com")
    b = await create(client, email="b@example.com", firstname="Bee")
    status, body = await api_error(
        api.update,
        b.id,
        SimplePublicObjectInput(properties={"email": "A@example.com", "firstname": "Changed"}),
    )
    assert status == 409 and body["message"].endswith(f"Existing ID: {a.id}")
    got = await call(api.get_by_id, b.id)
    assert got.properties["email"] == "b@example.com" and got.properties["firstname"] == "Bee"


async def test_missing_ids_are_404(hs):
    api = sdk(hs).crm.contacts.basic_api
    for key in ("424242", "not-numeric"):
        status, body = await api_error(api.get_by_id, key)
        assert status == 404 and body["category"] == "OBJECT_NOT_FOUND"
    status, _ = await api_error(
        api.update, "424242", SimplePublicObjectInput(properties={"firstname": "X"})
    )
    assert status == 404


async def test_wrong_or_missing_token_is_401(hs):
    import hubspot

    bad = hubspot.Client.create(access_token="pat-na1-wrong", host=hs.url)
    status, body = await api_error(bad.crm.contacts.basic_api.get_page)
    assert status == 401 and body["category"] == "INVALID_AUTHENTICATION"
    assert body["message"].startswith("Authentication credentials not found.")
    req = urllib.request.Request(hs.url + "/crm/v3/objects/contacts")
    with pytest.raises(urllib.error.HTTPError) as info:
        await call(urllib.request.urlopen, req)
    with info.value:
        assert info.value.code == 401


async def test_malformed_json_is_400(hs):
    req = urllib.request.Request(
        hs.url + "/crm/v3/objects/contacts",
        method="POST",
        data=b"{not json",
        headers={"Authorization": f"Bearer {hs.token}", "Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as info:
        await call(urllib.request.urlopen, req)
    with info.value:
        assert info.value.code == 400
        assert json.loads(info.value.read())["message"].startswith("Invalid input JSON")
