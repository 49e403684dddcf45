"""The loop stays bounded whatever the model does: identical calls are not run again, malformed
arguments get one repair attempt, every request sets temperature and a token limit, and a tool
call the model wrote as JSON text is run as the call it is."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from agent import prompts
from tests.support.agent_stack import AgentStack, agent_stack
from tests.support.scripted_openai import text, tool_call


@pytest.fixture
async def stack() -> AsyncIterator[AgentStack]:
    async with agent_stack() as s:
        yield s


async def test_an_identical_call_runs_once_and_a_third_ends_the_turn(stack: AgentStack) -> None:
    await stack.add(firstname="Jane", lastname="Doe", email="jane@acme.com")
    search = tool_call("SearchContact", {"query": "Jane"})
    same_respaced = tool_call("SearchContact", '{ "query" :  "Jane" }')
    stack.openai.script(search, same_respaced, search, text("never reached"))

    turn = await stack.agent().run("find Jane", history=[], lang="en", known_ids=())

    assert len(stack.openai.requests) == 3
    assert stack.openai.remaining == 1
    found, repeated = stack.openai.requests[-1].tool_results()
    assert found["total"] == 1
    assert repeated["error"] == "repeated"  # the search ran once, whatever the spacing
    assert turn.reply == prompts.message("too_many_steps", "en")


async def test_malformed_arguments_get_one_repair_attempt(stack: AgentStack) -> None:
    stack.openai.script(
        tool_call("SearchContact", '{"query": "Jane"'),
        tool_call("SearchContact", "{query: Jane}"),
        text("never reached"),
    )

    turn = await stack.agent().run("find Jane", history=[], lang="en", known_ids=())

    assert len(stack.openai.requests) == 2
    [first] = stack.openai.requests[-1].tool_results()
    assert first["error"] == "bad_arguments"
    assert turn.reply == prompts.message("too_many_steps", "en")


async def test_a_repaired_call_goes_on(stack: AgentStack) -> None:
    await stack.add(firstname="Jane", lastname="Doe", email="jane@acme.com")
    stack.openai.script(
        tool_call("SearchContact", '{"query": "Jane"'),
        tool_call("SearchContact", {"query": "Jane"}),
        text("I found Jane Doe."),
    )

    turn = await stack.agent().run("find Jane", history=[], lang="en", known_ids=())

    assert turn.reply == "I found Jane Doe." and len(turn.found) == 1


async def test_every_request_sets_temperature_and_a_token_limit(stack: AgentStack) -> None:
    stack.openai.script(text("Hello."))

    await stack.agent(temperature=0.1, max_tokens=300).run(
        "hi", history=[], lang="en", known_ids=()
    )

    body = stack.openai.requests[0].body
    assert (body["temperature"], body["max_completion_tokens"]) == (0.1, 300)


@pytest.mark.parametrize(
    "written",
    [
        '{"name": "SearchContact", "arguments": {"query": "Jane"}}',
        'Let me look.\n```json\n{"name": "SearchContact", "arguments": {"query": "Jane"}}\n```',
        '<tool_call>\n{"name": "SearchContact", "arguments": "{\\"query\\": \\"Jane\\"}"}\n'
        "</tool_call>",
    ],
)
async def test_a_tool_call_written_as_text_is_run(stack: AgentStack, written: str) -> None:
    jane = await stack.add(firstname="Jane", lastname="Doe", email="jane@acme.com")
    stack.openai.script(text(written), text("I found Jane Doe."))

    turn = await stack.agent().run("find Jane", history=[], lang="en", known_ids=())

    assert turn.reply == "I found Jane Doe."
    assert [c.id for c in turn.found] == [jane.id]
    call = stack.openai.requests[1].messages[-2]
    assert call["content"] is None  # the JSON is not kept as words
    assert json.loads(call["tool_calls"][0]["function"]["arguments"]) == {"query": "Jane"}


@pytest.mark.parametrize(
    "answer",
    [
        '{"name": "DeleteContact", "arguments": {"id": "1"}}',  # not a tool we offer
        'Jane\'s record is {"name": "Jane", "email": "jane@acme.com"}.',
    ],
)
async def test_other_json_stays_a_text_answer(stack: AgentStack, answer: str) -> None:
    stack.openai.script(text(answer))

    turn = await stack.agent().run("find Jane", history=[], lang="en", known_ids=())

    assert turn.reply == answer
    assert len(stack.openai.requests) == 1
