"""Batch endpoints and merge on the local HubSpot API, through the official SDK."""

from __future__ import annotations

import json

import pytest
from hubspot.crm.contacts import (
    ApiException,
    BatchInputSimplePublicObjectBatchInput,
    BatchInputSimplePublicObjectBatchInputForCreate,
    BatchInputSimplePublicObjectBatchInputUpsert,
    BatchInputSimplePublicObjectId,
    BatchReadInputSimplePublicObjectId,
    PublicMergeInput,
)

from tests.hubspot_local.test_hubspot_local_records import call, create, sdk
from tests.support.hubspot_server import hubspot_server


@pytest.fixture
async def hs():
    async with hubspot_server(rate_limits=None) as server:
        yield server


def creates(*props, traced=False):
    inputs = [
        {"properties": p, **({"objectWriteTraceId": f"t{i}"} if traced else {})}
        for i, p in enumerate(props)
    ]
    return BatchInputSimplePublicObjectBatchInputForCreate(inputs=inputs)


async def emails_in_store(client):
    page = await call(client.crm.contacts.basic_api.get_page, limit=100, properties=["email"])
    return sorted(r.properties["email"] for r in page.results)


async def test_batch_create_all_new_is_201_with_every_record(hs):
    client = sdk(hs)
    out = await call(
        client.crm.contacts.batch_api.create,
        creates({"email": "a@x.com"}, {"email": "B@x.com", "firstname": "Bo"}),
    )
    assert out.status == "COMPLETE"
    assert sorted(r.properties["email"] for r in out.results) == ["a@x.com", "b@x.com"]
    assert all(r.id == r.properties["hs_object_id"] for r in out.results)
    assert out.started_at and out.completed_at


async def test_batch_create_without_trace_ids_is_all_or_nothing(hs):
    client = sdk(hs)
    existing = await create(client, email="taken@x.com")
    with pytest.raises(ApiException) as info:
        await call(
            client.crm.contacts.batch_api.create,
            creates({"email": "new1@x.com"}, {"email": "TAKEN@x.com"}),
        )
    assert info.value.status == 409
    assert json.loads(info.value.body)["message"] == (
        f"Contact already exists. Existing ID: {existing.id}"
    )
    assert await emails_in_store(client) == ["taken@x.com"]  # new1 was not written


async def test_batch_create_with_trace_ids_is_207_partial(hs):
    client = sdk(hs)
    await create(client, email="taken@x.com")
    out = await call(
        client.crm.contacts.batch_api.create,
        creates(
            {"email": "new1@x.com"}, {"email": "taken@x.com"}, {"email": "bad-email"}, traced=True
        ),
    )
    assert out.num_errors == 2
    assert [r.properties["email"] for r in out.results] == ["new1@x.com"]
    by_trace = {e.context["objectWriteTraceId"][0]: e for e in out.errors}
    assert by_trace["t1"].category == "CONFLICT"
    assert by_trace["t2"].category == "VALIDATION_ERROR"
    assert await emails_in_store(client) == ["new1@x.com", "taken@x.com"]


async def test_batch_limit_is_100_inputs(hs):
    client = sdk(hs)
    with pytest.raises(ApiException) as info:
        await call(
            client.crm.contacts.batch_api.create,
            creates(*[{"email": f"m{i}@x.com"} for i in range(101)]),
        )
    assert info.value.status == 400
    assert await emails_in_store(client) == []
    out = await call(
        client.crm.contacts.batch_api.create,
        creates(*[{"email": f"m{i}@x.com"} for i in range(100)]),
    )
    assert len(out.results) == 100


async def test_batch_read_by_id_and_email_with_missing_is_207(hs):
    client = sdk(hs)
    a = await create(client, email="a@x.com", city="Seoul")
    out = await call(
        client.crm.contacts.batch_api.read,
        BatchReadInputSimplePublicObjectId(inputs=[{"id": a.id}], properties=["city"]),
    )
    assert [r.properties["city"] for r in out.results] == ["Seoul"]
    out = await call(
        client.crm.contacts.batch_api.read,
        BatchReadInputSimplePublicObjectId(
            inputs=[{"id": "A@x.com"}, {"id": "nobody@x.com"}],
            id_property="email",
            properties=["email"],
        ),
    )
    assert [r.id for r in out.results] == [a.id]
    assert out.num_errors == 1
    assert out.errors[0].category == "OBJECT_NOT_FOUND"
    assert out.errors[0].context["ids"] == ["nobody@x.com"]


async def test_batch_update_and_its_missing_id(hs):
    client = sdk(hs)
    a = await create(client, email="a@x.com")
    b = await create(client, email="b@x.com")
    out = await call(
        client.crm.contacts.batch_api.update,
        BatchInputSimplePublicObjectBatchInput(
            inputs=[
                {"id": a.id, "properties": {"city": "Paris"}},
                {"id": b.id, "properties": {"city": "Rome"}},
            ]
        ),
    )
    assert sorted(r.properties["city"] for r in out.results) == ["Paris", "Rome"]
    with pytest.raises(ApiException) as info:
        await call(
            client.crm.contacts.batch_api.update,
            BatchInputSimplePublicObjectBatchInput(
                inputs=[
                    {"id": a.id, "properties": {"city": "Oslo"}},
                    {"id": "999999", "properties": {"city": "Oslo"}},
                ]
            ),
        )
    assert info.value.status == 404
    got = await call(client.crm.contacts.basic_api.get_by_id, a.id, properties=["city"])
    assert got.properties["city"] == "Paris"  # the batch was all-or-nothing


async def test_batch_upsert_by_email_creates_and_updates(hs):
    client = sdk(hs)
    a = await create(client, email="a@x.com", firstname="Old")
    body = BatchInputSimplePublicObjectBatchInputUpsert(
        inputs=[
            {"id": "a@x.com", "idProperty": "email", "properties": {"firstname": "New"}},
            {"id": "c@x.com", "idProperty": "email", "properties": {"firstname": "Cy"}},
        ]
    )
    out = await call(client.crm.contacts.batch_api.upsert, body)
    by_email = {r.properties["email"]: r for r in out.results}
    assert by_email["a@x.com"].new is False and by_email["a@x.com"].id == a.id
    assert by_email["a@x.com"].properties["firstname"] == "New"
    assert by_email["c@x.com"].new is True
    assert await emails_in_store(client) == ["a@x.com", "c@x.com"]


async def test_batch_archive(hs):
    client = sdk(hs)
    a = await create(client, email="a@x.com")
    b = await create(client, email="b@x.com")
    await call(
        client.crm.contacts.batch_api.archive,
        BatchInputSimplePublicObjectId(inputs=[{"id": a.id}, {"id": "999999"}]),
    )
    assert await emails_in_store(client) == ["b@x.com"]
    assert b.id


async def test_merge_keeps_primary_email_and_adds_the_other_as_additional(hs):
    client = sdk(hs)
    api = client.crm.contacts.basic_api
    primary = await create(client, email="p@x.com", firstname="Pat", lifecyclestage="lead")
    other = await create(client, email="o@x.com", city="Lima", lifecyclestage="customer")
    merged = await call(
        api.merge, PublicMergeInput(primary_object_id=primary.id, object_id_to_merge=other.id)
    )
    props = merged.properties
    assert props["email"] == "p@x.com"
    assert "o@x.com" in props["hs_additional_emails"].split(";")
    assert props["city"] == "Lima" and props["firstname"] == "Pat"
    assert props["lifecyclestage"] == "customer"  # the furthest stage wins
    assert await emails_in_store(client) == ["p@x.com"]
    # the other's email still identifies the merged contact: creating it again conflicts
    with pytest.raises(ApiException) as info:
        await create(client, email="O@x.com")
    assert info.value.status == 409
    assert json.loads(info.value.body)["message"].endswith(f"Existing ID: {merged.id}")


async def test_merge_with_unknown_id_is_404(hs):
    client = sdk(hs)
    a = await create(client, email="a@x.com")
    with pytest.raises(ApiException) as info:
        await call(
            client.crm.contacts.basic_api.merge,
            PublicMergeInput(primary_object_id=a.id, object_id_to_merge="999999"),
        )
    assert info.value.status == 404


async def test_the_sdk_reads_each_batch_status_as_its_own_model(hs):
    """201 / 200 are the plain batch answer, 207 the one with `errors` (the SDK picks the model
    by status: an answer with another 2xx status would come back as None)."""
    client = sdk(hs)
    api = client.crm.contacts.batch_api
    a = await create(client, email="a@x.com")
    made, status, _ = await call(api.create_with_http_info, creates({"email": "b@x.com"}))
    assert status == 201 and type(made).__name__ == "BatchResponseSimplePublicObject"
    read, status, _ = await call(
        api.read_with_http_info,
        BatchReadInputSimplePublicObjectId(inputs=[{"id": a.id}, {"id": "999999"}]),
    )
    assert status == 207 and type(read).__name__ == "BatchResponseSimplePublicObjectWithErrors"
    assert [r.id for r in read.results] == [a.id]
    assert read.errors[0].category == "OBJECT_NOT_FOUND"
    assert read.errors[0].context["ids"] == ["999999"]


async def test_batch_update_with_trace_ids_is_207_partial_by_trace_id(hs):
    client = sdk(hs)
    a = await create(client, email="a@x.com")
    b = await create(client, email="b@x.com")
    out = await call(
        client.crm.contacts.batch_api.update,
        BatchInputSimplePublicObjectBatchInput(
            inputs=[
                {"id": a.id, "properties": {"city": "Oslo"}, "objectWriteTraceId": "u0"},
                {"id": b.id, "properties": {"email": "a@x.com"}, "objectWriteTraceId": "u1"},
                {"id": "999999", "properties": {"city": "Rome"}, "objectWriteTraceId": "u2"},
                {"id": b.id, "properties": {"email": "bad-email"}, "objectWriteTraceId": "u3"},
            ]
        ),
    )
    assert [(r.id, r.object_write_trace_id) for r in out.results] == [(a.id, "u0")]
    by_trace = {e.context["objectWriteTraceId"][0]: e for e in out.errors}
    assert by_trace["u1"].category == "CONFLICT"
    assert by_trace["u1"].message == f"Contact already exists. Existing ID: {a.id}"
    assert by_trace["u2"].category == "OBJECT_NOT_FOUND"
    assert by_trace["u3"].category == "VALIDATION_ERROR"
    got = await call(client.crm.contacts.basic_api.get_by_id, b.id, properties=["email"])
    assert got.properties["email"] == "b@x.com"  # its failed inputs changed nothing


async def test_batch_create_results_echo_their_trace_ids(hs):
    client = sdk(hs)
    out = await call(
        client.crm.contacts.batch_api.create,
        creates({"email": "a@x.com"}, {"email": "b@x.com"}, traced=True),
    )
    assert sorted((r.properties["email"], r.object_write_trace_id) for r in out.results) == [
        ("a@x.com", "t0"),
        ("b@x.com", "t1"),
    ]
