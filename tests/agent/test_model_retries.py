"""Model errors retried within the turn's deadline: a server-side failure (HTTP 5xx, a rate
limit, a dropped connection) is tried again after a short pause while the turn has time left;
a request the server rejects (4xx) and a turn with no time left are not."""

from __future__ import annotations

import socket
import time
from collections.abc import AsyncIterator

import pytest
from openai import AsyncOpenAI

from agent import prompts
from agent.loop import ContactAgent
from tests.support.agent_stack import AgentStack, agent_stack
from tests.support.scripted_openai import API_KEY, http_error, text


@pytest.fixture
async def stack() -> AsyncIterator[AgentStack]:
    async with agent_stack() as s:
        yield s


@pytest.mark.parametrize("status", [500, 502, 503, 429])
async def test_a_server_failure_is_tried_again_and_the_user_never_sees_it(
    stack: AgentStack, status: int
) -> None:
    stack.openai.script(http_error(status), text("Hello!"))

    turn = await stack.agent(max_retries=0).run("hi", history=[], lang="en", known_ids=())

    assert not turn.failed and turn.reply == "Hello!"
    assert len(stack.openai.requests) == 2


async def test_tries_stop_after_three_more(stack: AgentStack) -> None:
    stack.openai.script(*[http_error(500)] * 4)

    turn = await stack.agent(max_retries=0).run("hi", history=[], lang="en", known_ids=())

    assert turn.failed and turn.model_failed
    assert turn.reply == prompts.message("model_error", "en")
    assert len(stack.openai.requests) == 4


async def test_a_rejected_request_is_not_tried_again(stack: AgentStack) -> None:
    stack.openai.script(http_error(400), text("never reached"))

    turn = await stack.agent(max_retries=0).run("hi", history=[], lang="en", known_ids=())

    assert turn.failed and len(stack.openai.requests) == 1
    stack.openai.steps.clear()


async def test_no_retry_past_the_turns_deadline(stack: AgentStack) -> None:
    stack.openai.script(http_error(500), text("never reached"))
    started = time.monotonic()

    turn = await stack.agent(max_retries=0, timeout_seconds=1.2).run(
        "hi", history=[], lang="en", known_ids=()
    )

    assert turn.failed and len(stack.openai.requests) == 1
    assert time.monotonic() - started < 1.2
    stack.openai.steps.clear()


async def test_an_unreachable_server_is_tried_within_the_deadline(stack: AgentStack) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.monotonic()
    async with AsyncOpenAI(
        api_key=API_KEY, base_url=f"http://127.0.0.1:{port}/v1", max_retries=0, timeout=2
    ) as client:
        agent = ContactAgent(client, model="gpt-test", contacts=stack.contacts, timeout_seconds=3)
        turn = await agent.run("hi", history=[], lang="en", known_ids=())

    assert turn.failed and turn.model_failed
    assert time.monotonic() - started < 3.5  # tried again (0.5 s, 1 s) but not past the turn
