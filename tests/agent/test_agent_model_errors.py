"""The model server failing: 429 and 500 after the SDK's retries, hanging past the timeout,
unreachable. Each ends the turn with a clear message in the user's language; none escapes
`ContactAgent.run`; what the turn already did is still reported."""

from __future__ import annotations

import socket
import time
from collections.abc import AsyncIterator

import pytest
from openai import AsyncOpenAI

from agent import prompts
from agent.loop import ContactAgent
from tests.support.agent_stack import AgentStack, agent_stack
from tests.support.scripted_openai import API_KEY, hang, http_error, text, tool_call


@pytest.fixture
async def stack() -> AsyncIterator[AgentStack]:
    async with agent_stack() as s:
        yield s


async def test_rate_limited_after_sdk_retries(stack: AgentStack) -> None:
    stack.openai.script(http_error(429), http_error(429), text("never reached"))

    turn = await stack.agent(max_retries=1, timeout_seconds=1).run(  # no time to try again
        "find Jane", history=[], lang="en", known_ids=()
    )

    assert turn.failed
    assert turn.reply == prompts.message("model_busy", "en")
    assert len(stack.openai.requests) == 2  # the first try and the SDK's one retry


async def test_server_error_after_sdk_retries_in_korean(stack: AgentStack) -> None:
    stack.openai.script(http_error(500), http_error(500), http_error(500))

    turn = await stack.agent(max_retries=2, timeout_seconds=1).run(
        "제인 찾아줘", history=[], lang="ko", known_ids=()
    )

    assert turn.failed
    assert turn.reply == prompts.message("model_error", "ko")
    assert "AI 도우미" in turn.reply
    assert len(stack.openai.requests) == 3


async def test_a_retry_that_succeeds_is_invisible(stack: AgentStack) -> None:
    stack.openai.script(http_error(500), text("Hello!"))

    turn = await stack.agent(max_retries=1).run("hi", history=[], lang="en", known_ids=())

    assert not turn.failed and turn.reply == "Hello!"


async def test_model_hanging_past_the_timeout(stack: AgentStack) -> None:
    stack.openai.script(hang(20), hang(20))
    agent = stack.agent(timeout_seconds=0.5, max_retries=1, timeout=20)

    started = time.monotonic()
    turn = await agent.run("find Jane", history=[], lang="en", known_ids=())

    assert time.monotonic() - started < 3
    assert turn.failed
    assert turn.reply == prompts.message("model_timeout", "en")


async def test_model_unreachable(stack: AgentStack) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with AsyncOpenAI(
        api_key=API_KEY, base_url=f"http://127.0.0.1:{port}/v1", max_retries=0, timeout=2
    ) as client:
        agent = ContactAgent(client, model="gpt-test", contacts=stack.contacts)
        turn = await agent.run("find Jane", history=[], lang="en", known_ids=())

    assert turn.failed and turn.reply == prompts.message("model_error", "en")


async def test_a_contact_created_before_the_model_failed_is_still_reported(
    stack: AgentStack,
) -> None:
    stack.openai.script(
        tool_call(
            "CreateContact",
            {"properties": {"firstname": "Ana", "lastname": "Lima", "email": "ana@example.com"}},
        ),
        http_error(500),
    )

    turn = await stack.agent(preview_creates=False).run(
        "add Ana Lima ana@example.com", history=[], lang="en", known_ids=()
    )

    assert turn.failed
    assert turn.created is not None and turn.created.email == "ana@example.com"
    assert "Ana Lima was created" in turn.reply
    assert [p["email"] for p in (await stack.snapshot()).values()] == ["ana@example.com"]


async def test_azure_openai_client_and_path(stack: AgentStack) -> None:
    stack.openai.script(tool_call("SearchContact", {"query": "Jane"}), text("Nobody yet."))

    turn = await stack.agent(azure=True, model="contoso-gpt").run(
        "find Jane", history=[], lang="en", known_ids=()
    )

    assert turn.reply == "Nobody yet."
    first = stack.openai.requests[0]
    assert first.path == "/openai/deployments/contoso-gpt/chat/completions"
    assert first.query["api-version"] == "2024-10-21"
    assert first.headers["api-key"] == API_KEY
    assert stack.openai.requests[1].tool_results() == [{"total": 0, "contacts": []}]


@pytest.mark.parametrize("lang", ["en", "ko"])
async def test_a_hubspot_token_without_scopes_ends_the_turn_as_misconfigured(
    stack: AgentStack, lang: str
) -> None:
    """A 403 from HubSpot is not the model's to fix and not "try again": the turn ends with
    the misconfiguration message, and the model is not asked again."""
    stack.hubspot.controls.scopes = frozenset()
    stack.openai.script(tool_call("SearchContact", {"query": "Jane"}), text("never reached"))

    turn = await stack.agent().run("find Jane", history=[], lang=lang, known_ids=())

    assert turn.failed
    assert turn.reply == prompts.message("hubspot_misconfigured", lang)
    assert len(stack.openai.requests) == 1
