"""A reply that claims a write this turn did not make is not sent as is: the agent says what did
happen (nothing changed, or a change waiting for Confirm)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from agent import prompts
from tests.support.agent_stack import AgentStack, agent_stack
from tests.support.scripted_openai import text, tool_call


@pytest.fixture
async def stack() -> AsyncIterator[AgentStack]:
    async with agent_stack() as s:
        yield s


@pytest.mark.parametrize(
    ("claim", "lang"),
    [
        ("The title has already been updated to VP Sales.", "en"),
        ("I've confirmed the update.", "en"),
        ("직함을 부사장으로 변경했습니다.", "ko"),
    ],
)
async def test_a_claimed_write_with_nothing_written_is_not_sent(
    stack: AgentStack, claim: str, lang: str
) -> None:
    stack.openai.script(text(claim))

    turn = await stack.agent().run("make Jane VP Sales", history=[], lang=lang, known_ids=())

    assert turn.reply == prompts.message("nothing_written", lang)


async def test_saved_for_a_change_waiting_for_confirm_says_it_waits(stack: AgentStack) -> None:
    jane = await stack.add(firstname="Jane", lastname="Doe", email="jane@acme.com")
    stack.openai.script(
        tool_call("UpdateContact", {"contact_id": jane.id, "properties": {"jobtitle": "CFO"}}),
        text("Jane's job title has been updated to CFO."),
    )

    turn = await stack.agent().run("Jane Doe is the CFO now", history=[], lang="en", known_ids=())

    assert turn.pending_update is not None
    assert turn.reply == prompts.message("update_awaits_confirm", "en", name="Jane Doe")


@pytest.mark.parametrize(
    "reply",
    ["Jane's title has not been updated yet.", "What should her new title be?", "I found Jane."],
)
async def test_other_replies_are_sent_as_they_are(stack: AgentStack, reply: str) -> None:
    stack.openai.script(text(reply))

    turn = await stack.agent().run("Jane", history=[], lang="en", known_ids=())

    assert turn.reply == reply


async def test_a_create_made_this_turn_may_be_claimed(stack: AgentStack) -> None:
    stack.openai.script(
        tool_call(
            "CreateContact",
            {"properties": {"firstname": "Ann", "lastname": "Lee", "email": "ann@globex.com"}},
        ),
        text("I've added Ann Lee."),
    )

    turn = await stack.agent(preview_creates=False).run(
        "add Ann Lee ann@globex.com", history=[], lang="en", known_ids=()
    )

    assert turn.created is not None and turn.reply == "I've added Ann Lee."
