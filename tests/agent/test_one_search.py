"""SearchContact finds what a typed command finds: a Korean full name typed unspaced, a name in
either order, a phone number however it is written, and a company by free text."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.agent_stack import AgentStack, agent_stack
from tests.support.scripted_openai import text, tool_call


@pytest.fixture
async def stack() -> AsyncIterator[AgentStack]:
    async with agent_stack() as s:
        await s.add(firstname="Jane", lastname="Doe", email="jane@acme.com", company="Acme")
        yield s


@pytest.mark.parametrize(
    ("query", "lang"),
    [
        ("김민준", "ko"),
        ("김 민준", "ko"),
        ("Minjun Kim", "en"),
        ("010-1234-5678", "ko"),
        ("+82 10 1234 5678", "en"),
        ("Hanbit", "en"),
    ],
)
async def test_the_model_finds_what_a_typed_search_finds(
    stack: AgentStack, query: str, lang: str
) -> None:
    minjun = await stack.add(
        firstname="민준",
        lastname="김",
        email="minjun.kim@hanbit.co.kr",
        company="Hanbit",
        phone="+821012345678",
    )
    stack.openai.script(tool_call("SearchContact", {"query": query}), text("찾았어요."))

    turn = await stack.agent().run(f"{query} 찾아 줘", history=[], lang=lang, known_ids=())

    [result] = stack.openai.requests[-1].tool_results()
    assert [c["id"] for c in result["contacts"]] == [minjun.id]
    assert [c.id for c in turn.found] == [minjun.id]


async def test_a_search_that_finds_no_one_says_so(stack: AgentStack) -> None:
    stack.openai.script(tool_call("SearchContact", {"query": "박지호"}), text("없어요."))

    turn = await stack.agent().run("박지호 찾아 줘", history=[], lang="ko", known_ids=())

    [result] = stack.openai.requests[-1].tool_results()
    assert result == {"total": 0, "contacts": []}
    assert turn.found == []
