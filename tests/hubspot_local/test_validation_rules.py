"""The portal's property validation rules on the local HubSpot, through the official SDK: served
at GET /crm/v3/property-validations/0-1 and enforced on every write (API 2026-09 behaviour)."""

from __future__ import annotations

import asyncio
import json

import pytest
from hubspot.crm.contacts import (
    ApiException,
    BatchInputSimplePublicObjectBatchInput,
    BatchInputSimplePublicObjectBatchInputForCreate,
    BatchInputSimplePublicObjectBatchInputUpsert,
    SimplePublicObjectInput,
    SimplePublicObjectInputForCreate,
)

from tests.support.hubspot_server import hubspot_server

RULES = {
    "jobtitle": {"MIN_LENGTH": ["1"]},
    "phone": {"PHONE_NUMBER_WITH_EXPLICIT_COUNTRY_CODE": []},
}


@pytest.fixture
async def hs():
    async with hubspot_server(validation_rules=RULES) as server:
        yield server


async def call(fn, *args, **kwargs):
    return await asyncio.to_thread(fn, *args, **kwargs)


async def create(client, **props):
    body = SimplePublicObjectInputForCreate(properties=props)
    return await call(
        client.crm.contacts.basic_api.create, simple_public_object_input_for_create=body
    )


async def refused(pending) -> dict:
    """The 400 body of a call HubSpot must refuse (`pending`: the awaitable call)."""
    with pytest.raises(ApiException) as info:
        await pending
    assert info.value.status == 400
    return json.loads(info.value.body)


def named(body: dict) -> list[str]:
    """The properties a VALIDATION_ERROR names (errors[].context.propertyName)."""
    assert body["category"] == "VALIDATION_ERROR"
    return [n for e in body["errors"] for n in e["context"]["propertyName"]]


async def read_rules(client, path: str = "/crm/v3/property-validations/0-1"):
    """Through the SDK's generic ApiClient, the way the app reads account-info."""
    api_client = client.crm.contacts.basic_api.api_client
    return await call(
        api_client.call_api,
        path,
        "GET",
        header_params={"Accept": "application/json"},
        response_types_map={200: "object"},
        auth_settings=["oauth2"],
        _return_http_data_only=True,
    )


async def held(client) -> list[dict]:
    page = await call(
        client.crm.contacts.basic_api.get_page, limit=100, properties=["email", "jobtitle"]
    )
    return [r.properties for r in page.results]


async def test_the_rules_are_served_in_hubspots_shape(hs):
    body = await read_rules(hs.sdk())
    assert body == {
        "results": [
            {
                "propertyName": "jobtitle",
                "propertyValidationRules": [
                    {
                        "ruleType": "MIN_LENGTH",
                        "ruleArguments": ["1"],
                        "shouldApplyNormalization": False,
                    }
                ],
            },
            {
                "propertyName": "phone",
                "propertyValidationRules": [
                    {
                        "ruleType": "PHONE_NUMBER_WITH_EXPLICIT_COUNTRY_CODE",
                        "ruleArguments": [],
                        "shouldApplyNormalization": False,
                    }
                ],
            },
        ]
    }
    one = await read_rules(hs.sdk(), "/crm/v3/property-validations/contacts/jobtitle")
    assert [r["ruleType"] for r in one["results"]] == ["MIN_LENGTH"]
    none = await read_rules(hs.sdk(), "/crm/v3/property-validations/0-1/city")
    assert none == {"results": []}


async def test_rules_change_while_the_server_runs(hs):
    hs.controls.validations.clear()
    assert await read_rules(hs.sdk()) == {"results": []}
    hs.controls.validations.set("company", "MAX_LENGTH", ["5"])
    body = await read_rules(hs.sdk())
    assert [r["propertyName"] for r in body["results"]] == ["company"]
    refusal = await refused(create(hs.sdk(), email="a@x.com", company="Samsung"))
    assert named(refusal) == ["company"]


async def test_another_object_type_is_404(hs):
    with pytest.raises(ApiException) as info:
        await read_rules(hs.sdk(), "/crm/v3/property-validations/0-2")
    assert info.value.status == 404


async def test_a_create_without_the_required_job_title_is_refused_naming_it(hs):
    client = hs.sdk()
    body = await refused(create(client, email="a@x.com", firstname="Ann"))
    assert named(body) == ["jobtitle"]
    assert body["message"].startswith("Property values were not valid")
    assert await held(client) == []
    made = await create(client, email="a@x.com", firstname="Ann", jobtitle="CTO")
    assert made.properties["jobtitle"] == "CTO"


async def test_a_phone_without_its_country_code_is_refused(hs):
    client = hs.sdk()
    body = await refused(create(client, email="a@x.com", jobtitle="CTO", phone="415 555 0100"))
    assert named(body) == ["phone"]
    item = json.loads(body["message"].split(": ", 1)[1])[0]
    assert item["error"] == "PHONE_NUMBER_WITH_EXPLICIT_COUNTRY_CODE" and item["name"] == "phone"
    made = await create(client, email="a@x.com", jobtitle="CTO", phone="+1 415 555 0100")
    assert made.properties["phone"] == "+1 415 555 0100"


async def test_every_broken_property_is_named_at_once(hs):
    body = await refused(create(hs.sdk(), email="a@x.com", phone="010-1234-5678"))
    assert sorted(named(body)) == ["jobtitle", "phone"]


async def test_an_update_is_judged_on_what_it_writes(hs):
    client = hs.sdk()
    api = client.crm.contacts.basic_api
    hs.controls.validations.enforced = False  # a contact made before the rule existed
    old = await create(client, email="old@x.com")
    hs.controls.validations.enforced = True
    changed = await call(api.update, old.id, SimplePublicObjectInput(properties={"city": "Oslo"}))
    assert changed.properties["city"] == "Oslo"  # no job title, but none was written
    body = await refused(
        call(api.update, old.id, SimplePublicObjectInput(properties={"jobtitle": ""}))
    )
    assert named(body) == ["jobtitle"]
    body = await refused(
        call(api.update, old.id, SimplePublicObjectInput(properties={"phone": "555"}))
    )
    assert named(body) == ["phone"]


async def test_batch_writes_are_refused_per_input(hs):
    client = hs.sdk()
    batch = client.crm.contacts.batch_api
    out = await call(
        batch.create,
        BatchInputSimplePublicObjectBatchInputForCreate(
            inputs=[
                {
                    "properties": {"email": "ok@x.com", "jobtitle": "CEO"},
                    "objectWriteTraceId": "t0",
                },
                {"properties": {"email": "no@x.com"}, "objectWriteTraceId": "t1"},
            ]
        ),
    )
    assert [r.properties["email"] for r in out.results] == ["ok@x.com"]
    assert out.errors[0].category == "VALIDATION_ERROR"
    assert out.errors[0].context["objectWriteTraceId"] == ["t1"]
    assert out.errors[0].errors[0].context["propertyName"] == ["jobtitle"]
    ok = out.results[0]
    body = await refused(
        call(
            batch.update,
            BatchInputSimplePublicObjectBatchInput(
                inputs=[{"id": ok.id, "properties": {"phone": "2125550100"}}]
            ),
        )
    )
    assert named(body) == ["phone"]
    body = await refused(
        call(
            batch.upsert,
            BatchInputSimplePublicObjectBatchInputUpsert(
                inputs=[{"id": "new@x.com", "idProperty": "email", "properties": {"city": "Rome"}}]
            ),
        )
    )
    assert named(body) == ["jobtitle"]
    assert sorted(p["email"] for p in await held(client)) == ["ok@x.com"]


@pytest.mark.parametrize(
    ("rule", "arguments", "bad", "good"),
    [
        ("MAX_LENGTH", ["4"], "ABCDE", "ABCD"),
        ("MIN_LENGTH", ["3"], "AB", "ABC"),
        ("ALPHANUMERIC", ["NUMERIC_ONLY"], "12a", "123"),
        ("ALPHANUMERIC", ["ALPHA_ONLY"], "R2D2", "Mary Ann"),
        ("REGEX", ["[A-Z]{2}-\\d{3}"], "AB-12", "AB-123"),
        ("URL", [], "acme.com", "https://acme.com"),
        ("EMAIL", [], "not-an-email", "a@b.co"),
    ],
)
async def test_each_enforced_rule_type(hs, rule, arguments, bad, good):
    hs.controls.validations.clear()
    hs.controls.validations.set("salutation", rule, arguments)
    client = hs.sdk()
    body = await refused(create(client, email="a@x.com", salutation=bad))
    assert named(body) == ["salutation"]
    made = await create(client, email="a@x.com", salutation=good)
    assert made.properties["salutation"] == good


async def test_a_rule_must_name_a_writable_property_and_a_known_type(hs):
    with pytest.raises(ValueError):
        hs.controls.validations.set("shoe_size", "MIN_LENGTH", ["1"])
    with pytest.raises(ValueError):
        hs.controls.validations.set("hs_object_id", "MIN_LENGTH", ["1"])
    with pytest.raises(ValueError):
        hs.controls.validations.set("jobtitle", "REQUIRED")
    with pytest.raises(ValueError):
        hs.controls.validations.set("jobtitle", "MIN_LENGTH", ["one"])


def test_the_command_line_sets_rules():
    from hubspot_local.__main__ import parse_args

    args = parse_args(
        [
            "--rule",
            "jobtitle:MIN_LENGTH:1",
            "--rule",
            "phone:PHONE_NUMBER_WITH_EXPLICIT_COUNTRY_CODE",
        ]
    )
    assert args.validation_rules == {
        "jobtitle": {"MIN_LENGTH": ["1"]},
        "phone": {"PHONE_NUMBER_WITH_EXPLICIT_COUNTRY_CODE": []},
    }
    for bad in ("jobtitle", "shoe_size:MIN_LENGTH:1", "jobtitle:REQUIRED", "jobtitle:MIN_LENGTH"):
        with pytest.raises(SystemExit):
            parse_args(["--rule", bad])
