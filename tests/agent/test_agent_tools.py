"""The three tools: small, valid schemas, and malformed calls answered so the model can fix them."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import jsonschema
import pytest

from agent.memory import count_tokens
from agent.tools import ContactTools, dumps, tool_specs
from tests.support.agent_stack import AgentStack, agent_stack


@pytest.fixture
async def stack() -> AsyncIterator[AgentStack]:
    async with agent_stack() as s:
        yield s


def _keys(node: object) -> set[str]:
    if isinstance(node, dict):
        return set(node).union(*(_keys(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_keys(v) for v in node))
    return set()


def test_three_small_valid_schemas() -> None:
    specs = tool_specs()
    assert [s["function"]["name"] for s in specs] == [
        "SearchContact",
        "CreateContact",
        "UpdateContact",
    ]
    assert count_tokens(dumps(specs)) <= 300
    for spec in specs:
        params = spec["function"]["parameters"]
        jsonschema.Draft202012Validator.check_schema(params)
        assert not _keys(params) & {"title", "$ref", "$defs", "default"}
        assert spec["function"]["description"]


def test_schemas_accept_what_the_tools_accept() -> None:
    schemas = {s["function"]["name"]: s["function"]["parameters"] for s in tool_specs()}
    jsonschema.validate({"query": "Jane", "limit": 3}, schemas["SearchContact"])
    jsonschema.validate(
        {"filters": [{"propertyName": "city", "operator": "EQ", "value": "Seoul"}]},
        schemas["SearchContact"],
    )
    jsonschema.validate({"properties": {"email": "a@b.co"}}, schemas["CreateContact"])
    jsonschema.validate(
        {"contact_id": "1", "properties": {"city": "Paris"}}, schemas["UpdateContact"]
    )
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"properties": {"email": 3}}, schemas["CreateContact"])
    assert "lifecyclestage" in schemas["CreateContact"]["properties"]["properties"]["description"]


@pytest.mark.parametrize(
    ("name", "arguments", "says"),
    [
        ("DeleteContact", "{}", "Unknown tool"),
        ("SearchContact", "{not json", "arguments"),
        ("SearchContact", "{}", "query or at least one filter"),
        ("SearchContact", '{"query": "a", "colour": "red"}', "colour"),
        ("CreateContact", '{"properties": {"email": 5}}', "properties.email"),
        ("UpdateContact", '{"properties": {"city": "Paris"}}', "contact_id"),
    ],
)
async def test_malformed_calls_get_an_error_the_model_can_act_on(
    stack: AgentStack, name: str, arguments: str, says: str
) -> None:
    tools = ContactTools(contacts=stack.contacts)

    result = json.loads(await tools.call(name, arguments))

    assert result["error"] == "bad_arguments"
    assert says in result["message"]
    assert await stack.snapshot() == {}


async def test_search_limit_is_clamped_and_the_rest_counted(stack: AgentStack) -> None:
    for i in range(12):
        await stack.add(
            firstname="Pat", lastname=f"Number{i}", email=f"pat{i}@acme.com", company="Acme"
        )
    tools = ContactTools(contacts=stack.contacts)

    result = json.loads(await tools.call("SearchContact", '{"query": "Acme", "limit": 50}'))

    assert len(result["contacts"]) == 10 and result["total"] == 12
    assert "2 more" in result["note"]
    assert len(tools.found) == 10
    # Ten results stay cheap for the model: a few hundred tokens, not thousands.
    assert count_tokens(dumps(result)) < 400


async def test_nothing_to_change_is_an_error_not_a_pending_update(stack: AgentStack) -> None:
    jane = await stack.add(firstname="Jane", email="jane@acme.com", city="Paris")
    tools = ContactTools(contacts=stack.contacts, known_ids={jane.id})

    result = json.loads(
        await tools.call(
            "UpdateContact", dumps({"contact_id": jane.id, "properties": {"city": "Paris"}})
        )
    )

    assert result["error"] == "invalid"
    assert tools.pending_update is None


async def test_update_to_an_email_another_contact_has_is_a_duplicate(stack: AgentStack) -> None:
    jane = await stack.add(firstname="Jane", email="jane@acme.com")
    bob = await stack.add(firstname="Bob", email="bob@acme.com")
    tools = ContactTools(contacts=stack.contacts, known_ids={jane.id, bob.id})

    result = json.loads(
        await tools.call(
            "UpdateContact", dumps({"contact_id": bob.id, "properties": {"email": "jane@acme.com"}})
        )
    )

    assert result["error"] == "duplicate" and result["existing"]["id"] == jane.id
    assert tools.pending_update is None
