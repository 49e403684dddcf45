"""The agent searching, creating and updating from free text, with the real ContactsService over
the local HubSpot API behind its tools and a scripted model in front."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from agent import prompts
from contacts.model import SearchCriteria
from tests.support.agent_stack import AgentStack, agent_stack
from tests.support.scripted_openai import text, tool_call


@pytest.fixture
async def stack() -> AsyncIterator[AgentStack]:
    async with agent_stack() as s:
        yield s


async def test_search_from_free_text(stack: AgentStack) -> None:
    jane = await stack.add(
        firstname="Jane",
        lastname="Doe",
        email="jane@acme.com",
        company="Acme",
        jobtitle="CTO",
        city="Boston",
    )
    await stack.add(firstname="Bob", lastname="Stone", email="bob@other.org")
    stack.openai.script(
        tool_call("SearchContact", {"query": "Jane"}), text("I found Jane Doe, CTO at Acme.")
    )

    turn = await stack.agent().run("find Jane", history=[], lang="en", known_ids=())

    assert turn.reply == "I found Jane Doe, CTO at Acme."
    assert not turn.failed
    assert [c.id for c in turn.found] == [jane.id]
    assert jane.id in turn.seen_ids
    first, second = stack.openai.requests
    assert first.body["tool_choice"] == "auto"
    assert [t["function"]["name"] for t in first.body["tools"]] == [
        "SearchContact",
        "CreateContact",
        "UpdateContact",
    ]
    assert first.messages[-1] == {"role": "user", "content": "find Jane"}
    # What the model saw: the compact contact, not every property HubSpot holds.
    [result] = second.tool_results()
    assert result == {
        "total": 1,
        "contacts": [
            {
                "id": jane.id,
                "name": "Jane Doe",
                "email": "jane@acme.com",
                "company": "Acme",
                "jobtitle": "CTO",
            }
        ],
    }


async def test_search_by_email_and_by_filter(stack: AgentStack) -> None:
    jane = await stack.add(firstname="Jane", lastname="Doe", email="jane@acme.com", company="Acme")
    kim = await stack.add(
        firstname="Minsu", lastname="Kim", email="minsu@acme.com", company="Acme", city="Seoul"
    )
    stack.openai.script(
        tool_call("SearchContact", {"query": "JANE@acme.com"}),
        tool_call("SearchContact", {"filters": [{"propertyName": "city", "value": "Seoul"}]}),
        text("Done."),
    )

    turn = await stack.agent().run(
        "who is jane@acme.com, and who is in Seoul?", history=[], lang="en", known_ids=()
    )

    by_email, by_city = stack.openai.requests[-1].tool_results()
    assert [c["id"] for c in by_email["contacts"]] == [jane.id]
    assert [c["id"] for c in by_city["contacts"]] == [kim.id]
    assert turn.seen_ids == {jane.id, kim.id}


async def test_create_from_free_text(stack: AgentStack) -> None:
    stack.openai.script(
        tool_call(
            "CreateContact",
            {
                "properties": {
                    "firstname": "Ana",
                    "lastname": "Lima",
                    "email": "Ana.Lima@Example.com",
                    "phone": "+1 415 555 0100",
                    "company": "Example",
                }
            },
        ),
        text("I added Ana Lima."),
    )

    turn = await stack.agent(preview_creates=False).run(
        "add Ana Lima, Ana.Lima@Example.com, +1 415 555 0100, Example",
        history=[],
        lang="en",
        known_ids=(),
    )

    assert turn.reply == "I added Ana Lima."
    assert turn.created is not None and turn.created.email == "ana.lima@example.com"
    held = await stack.snapshot()
    assert [(p["email"], p["phone"], p["company"]) for p in held.values()] == [
        ("ana.lima@example.com", "+14155550100", "Example")
    ]
    assert stack.openai.requests[-1].tool_results() == [
        {
            "created": {
                "id": turn.created.id,
                "name": "Ana Lima",
                "email": "ana.lima@example.com",
                "phone": "+14155550100",
                "company": "Example",
            }
        }
    ]


async def test_update_from_free_text_waits_for_confirm(stack: AgentStack) -> None:
    jane = await stack.add(firstname="Jane", lastname="Doe", email="jane@acme.com", jobtitle="CTO")
    before = await stack.snapshot()
    stack.openai.script(
        tool_call("SearchContact", {"query": "jane@acme.com"}),
        tool_call("UpdateContact", {"contact_id": jane.id, "properties": {"jobtitle": "CEO"}}),
        text("Please confirm Jane's new job title on the card."),
    )

    turn = await stack.agent().run("Jane is CEO now", history=[], lang="en", known_ids=())

    pending = turn.pending_update
    assert pending is not None and pending.contact_id == jane.id
    assert [(c.field, c.old, c.new) for c in pending.changes] == [("jobtitle", "CTO", "CEO")]
    assert await stack.snapshot() == before  # nothing written before Confirm
    assert stack.openai.requests[-1].tool_results()[-1]["status"] == "awaiting_confirmation"
    # The Confirm button applies exactly this pending update.
    await stack.contacts.apply_update(pending)
    assert (await stack.snapshot())[jane.id]["jobtitle"] == "CEO"


async def test_missing_information_gets_a_question_and_no_write(stack: AgentStack) -> None:
    stack.openai.script(text("Sure. What is Ana's email address?"))

    turn = await stack.agent().run("add Ana from Example", history=[], lang="en", known_ids=())

    assert turn.reply == "Sure. What is Ana's email address?"
    assert turn.created is None and turn.pending_update is None
    assert await stack.snapshot() == {}
    assert len(stack.openai.requests) == 1


async def test_duplicate_is_shown_instead_of_created(stack: AgentStack) -> None:
    jane = await stack.add(firstname="Jane", lastname="Doe", email="jane@acme.com", company="Acme")
    before = await stack.snapshot()
    stack.openai.script(
        tool_call(
            "CreateContact",
            {"properties": {"firstname": "Jane", "lastname": "Doe", "email": "Jane@ACME.com"}},
        ),
        text("Jane Doe is already in HubSpot."),
    )

    turn = await stack.agent().run(
        "add Jane Doe Jane@ACME.com", history=[], lang="en", known_ids=()
    )

    [seen] = stack.openai.requests[-1].tool_results()
    assert seen["error"] == "duplicate"
    assert seen["existing"] == {
        "id": jane.id,
        "name": "Jane Doe",
        "email": "jane@acme.com",
        "company": "Acme",
    }
    assert await stack.snapshot() == before
    assert turn.created is None
    assert [c.id for c in turn.found] == [jane.id]


async def test_invalid_email_goes_back_to_the_model_which_fixes_it(stack: AgentStack) -> None:
    stack.openai.script(
        tool_call("CreateContact", {"properties": {"firstname": "Ana", "email": "ana@example"}}),
        tool_call(
            "CreateContact", {"properties": {"firstname": "Ana", "email": "ana@example.com"}}
        ),
        text("Added Ana."),
    )

    turn = await stack.agent(preview_creates=False).run(
        "add Ana ana@example.com", history=[], lang="en", known_ids=()
    )

    error, created = stack.openai.requests[-1].tool_results()
    assert error["error"] == "invalid" and error["field"] == "email"
    assert "created" in created
    assert [p["email"] for p in (await stack.snapshot()).values()] == ["ana@example.com"]
    assert turn.created is not None and turn.reply == "Added Ana."


async def test_unknown_field_is_named_to_the_model(stack: AgentStack) -> None:
    stack.openai.script(
        tool_call("CreateContact", {"properties": {"firstname": "Ana", "favourite": "tea"}}),
        text("I can't store a favourite drink."),
    )

    await stack.agent().run("add Ana, she likes tea", history=[], lang="en", known_ids=())

    [error] = stack.openai.requests[-1].tool_results()
    assert error["error"] == "invalid" and error["field"] == "favourite"
    assert await stack.snapshot() == {}


async def test_invented_id_is_refused(stack: AgentStack) -> None:
    jane = await stack.add(firstname="Jane", email="jane@acme.com")
    before = await stack.snapshot()
    stack.openai.script(
        tool_call("UpdateContact", {"contact_id": "987654", "properties": {"city": "Paris"}}),
        tool_call("UpdateContact", {"contact_id": "jane", "properties": {"city": "Paris"}}),
        text("I could not find that contact."),
    )

    turn = await stack.agent().run(
        "move contact 987654 to Paris", history=[], lang="en", known_ids={jane.id}
    )

    assert turn.pending_update is None
    results = stack.openai.requests[-1].tool_results()
    assert [r["error"] for r in results] == ["not_found", "not_found"]
    assert "never invent" in results[0]["message"]
    assert await stack.snapshot() == before


async def test_an_id_not_seen_yet_is_looked_up_before_planning(stack: AgentStack) -> None:
    jane = await stack.add(firstname="Jane", email="jane@acme.com")
    stack.openai.script(
        tool_call("UpdateContact", {"contact_id": jane.id, "properties": {"city": "Paris"}}),
        text("Confirm the new city, please."),
    )

    turn = await stack.agent().run(
        f"set contact {jane.id}'s city to Paris", history=[], lang="en", known_ids=()
    )

    assert turn.pending_update is not None and turn.pending_update.contact_id == jane.id
    assert jane.id in turn.seen_ids


async def test_six_model_calls_at_most(stack: AgentStack) -> None:
    await stack.add(firstname="Jane", email="jane@acme.com")
    stack.openai.script(
        *[tool_call("SearchContact", {"query": f"Jane {i}"}) for i in range(5)],
        tool_call(
            "CreateContact", {"properties": {"firstname": "Loop", "email": "loop@example.com"}}
        ),
        text("never reached"),
    )

    turn = await stack.agent().run("find Jane", history=[], lang="en", known_ids=())

    assert len(stack.openai.requests) == 6
    assert stack.openai.remaining == 1
    assert turn.reply == prompts.message("too_many_steps", "en")
    # The sixth answer's tool call had no model call left to report it: it did not run.
    page = await stack.contacts.search(SearchCriteria(email="loop@example.com"))
    assert page.total == 0


@pytest.mark.parametrize(
    ("status", "lang", "key"),
    [
        (503, "en", "hubspot_unavailable"),
        (429, "ko", "hubspot_rate_limited"),
    ],
)
async def test_hubspot_failing_ends_the_turn_with_a_clear_message(
    stack: AgentStack, status: int, lang: str, key: str
) -> None:
    stack.fail_hubspot(status)
    stack.openai.script(tool_call("SearchContact", {"query": "Jane"}), text("never reached"))

    turn = await stack.agent().run("find Jane", history=[], lang=lang, known_ids=())

    assert turn.failed
    assert turn.reply == prompts.message(key, lang)
    assert len(stack.openai.requests) == 1  # the turn ended; the model was not asked again
