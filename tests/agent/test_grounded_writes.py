"""A value the model writes must come from the user's own messages or from a contact the tools
returned: invented values and placeholders are refused back to the model, naming the field, and
never written (agent/guards.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.agent_stack import AgentStack, agent_stack
from tests.support.scripted_openai import text, tool_call


@pytest.fixture
async def stack() -> AsyncIterator[AgentStack]:
    async with agent_stack() as s:
        yield s


async def test_an_invented_email_is_refused_naming_the_field(stack: AgentStack) -> None:
    stack.openai.script(
        tool_call(
            "CreateContact",
            {"properties": {"firstname": "Sara", "lastname": "Lind", "email": "sara@example.com"}},
        ),
        text("What is Sara's email?"),
    )

    turn = await stack.agent().run(
        "add a contact named Sara Lind", history=[], lang="en", known_ids=()
    )

    [refused] = stack.openai.requests[-1].tool_results()
    assert refused["error"] == "ungrounded" and refused["field"] == "email"
    assert "sara@example.com" in refused["message"]
    assert turn.created is None
    assert await stack.snapshot() == {}


@pytest.mark.parametrize(
    ("field", "value"),
    [("company", "example company"), ("city", "city"), ("jobtitle", "Manager")],
)
async def test_placeholders_are_refused(stack: AgentStack, field: str, value: str) -> None:
    properties = {"firstname": "Sara", "email": "sara.lind@fjord.no", field: value}
    stack.openai.script(tool_call("CreateContact", {"properties": properties}), text("Hm."))

    await stack.agent().run("add Sara, sara.lind@fjord.no", history=[], lang="en", known_ids=())

    [refused] = stack.openai.requests[-1].tool_results()
    assert (refused["error"], refused["field"]) == ("ungrounded", field)
    assert await stack.snapshot() == {}


async def test_values_from_earlier_messages_and_in_other_forms_are_the_users(
    stack: AgentStack,
) -> None:
    """The email came a message earlier; the Korean name is split; the phone is in E.164."""
    history = [
        {"role": "user", "content": "한지민 추가해 줘. 전화 010-2345-6789"},
        {"role": "assistant", "content": "이메일 주소를 알려 주세요."},
    ]
    properties = {
        "firstname": "지민",
        "lastname": "한",
        "email": "Jimin.Han@sora.kr",
        "phone": "+821023456789",
    }
    stack.openai.script(tool_call("CreateContact", {"properties": properties}), text("추가했어요."))

    turn = await stack.agent(preview_creates=False).run(
        "jimin.han@sora.kr 입니다", history=history, lang="ko", known_ids=()
    )

    assert turn.created is not None
    [held] = (await stack.snapshot()).values()
    assert (held["lastname"], held["firstname"], held["email"], held["phone"]) == (
        "한",
        "지민",
        "jimin.han@sora.kr",
        "+821023456789",
    )


async def test_a_value_a_tool_returned_may_be_copied(stack: AgentStack) -> None:
    jane = await stack.add(firstname="Jane", lastname="Doe", email="jane@acme.com", company="Acme")
    bob = await stack.add(firstname="Bob", lastname="Stone", email="bob@initech.com")
    stack.openai.script(
        tool_call("SearchContact", {"query": "jane@acme.com"}),
        tool_call("UpdateContact", {"contact_id": bob.id, "properties": {"company": "Acme"}}),
        text("Confirm Bob's new company."),
    )

    turn = await stack.agent().run(
        "Bob Stone works where Jane works now", history=[], lang="en", known_ids={bob.id}
    )

    assert jane.id in turn.seen_ids
    pending = turn.pending_update
    assert pending is not None and [(c.field, c.new) for c in pending.changes] == [
        ("company", "Acme")
    ]


async def test_an_ungrounded_update_is_not_prepared(stack: AgentStack) -> None:
    jane = await stack.add(firstname="Jane", lastname="Doe", email="jane@acme.com", jobtitle="CTO")
    before = await stack.snapshot()
    stack.openai.script(
        tool_call("UpdateContact", {"contact_id": jane.id, "properties": {"jobtitle": "VP Sales"}}),
        text("Which title should Jane have?"),
    )

    turn = await stack.agent().run("Jane got promoted", history=[], lang="en", known_ids={jane.id})

    [refused] = stack.openai.requests[-1].tool_results()
    assert (refused["error"], refused["field"]) == ("ungrounded", "jobtitle")
    assert turn.pending_update is None
    assert await stack.snapshot() == before
