"""The parser first, in model mode: a line the typed parser reads with certainty runs without a
model call (the scripted server's script stays empty, and any call to it fails the test); the
model gets the rest; a typed yes/no with nothing waiting is the bot's to answer; when the model
cannot finish, the parser gets the line before the user is told."""

from __future__ import annotations

import pytest

from tests.support.botapp import Conversation, running_app, test_settings
from tests.support.cardread import facts, heading
from tests.support.scripted_openai import ScriptedOpenAI, http_error, text, tool_call


@pytest.fixture
async def model():
    async with ScriptedOpenAI() as server:
        yield server
        assert server.unexpected_calls == 0


@pytest.fixture
async def app(tmp_path, model):
    async with running_app(test_settings(tmp_path), openai_client=model.client()) as bot:
        bot.jane = (
            await bot.contacts.create(
                {
                    "firstname": "Jane",
                    "lastname": "Doe",
                    "email": "jane@acme.com",
                    "phone": "+14155550100",
                    "company": "Acme",
                }
            )
        ).contact
        yield bot


@pytest.mark.parametrize(
    ("line", "locale"),
    [
        ("who is jane@acme.com?", "en-US"),
        ("whose number is +1 415 555 0100?", "en-US"),
        ("can you look up Jane Doe", "en-US"),
        ("jane@acme.com 연락처 찾아 줘", "ko-KR"),
    ],
)
async def test_a_certain_find_needs_no_model_call(app, model, channel, line, locale):
    chat = Conversation(app, channel, locale=locale)
    await chat.start()
    replies = await chat.say(line)
    assert "jane@acme.com" in str([r.cards for r in replies])
    assert model.requests == []


async def test_a_fully_specified_update_is_previewed_without_the_model(app, model, channel):
    chat = Conversation(app, channel)
    await chat.start()
    replies = await chat.say("change Jane Doe's job title to Sales Director")
    (confirm,) = [r for r in replies if r.cards]
    assert facts(confirm.cards[0]) == {"Job title": "(empty) → Sales Director"}
    assert model.requests == []
    assert (await app.contacts.get(app.jane.id)).get("jobtitle") == ""


async def test_a_fully_specified_create_is_previewed_without_the_model(app, model, channel):
    """In model mode every create waits for Create, the typed one too (without a model a
    certain typed create is written at once, as before)."""
    chat = Conversation(app, channel)
    await chat.start()
    replies = await chat.say("add Tom Becker, tom.becker@northwind.com")
    assert heading(replies[-1].cards[0]) == "Create contact"
    assert await app.contacts.find_by_email("tom.becker@northwind.com") is None
    await chat.say("yes")
    stored = await app.contacts.find_by_email("tom.becker@northwind.com")
    assert stored is not None and stored.full_name == "Tom Becker"
    assert model.requests == []


async def test_a_line_the_parser_cannot_read_goes_to_the_model(app, model, channel):
    chat = Conversation(app, channel)
    await chat.start()
    model.script(text("Jane Doe works at Acme."))
    (reply,) = await chat.say("jane.doe has moved on, I think? what do we know")
    assert reply.text == "Jane Doe works at Acme."
    assert len(model.requests) == 1


@pytest.mark.parametrize(
    ("line", "locale", "said"),
    [
        ("yes", "en-US", "There is no change waiting for your confirmation."),
        ("네", "ko-KR", "확인을 기다리는 변경이 없어요."),
        ("cancel", "en-US", "There is no change waiting for your confirmation."),
    ],
)
async def test_a_typed_yes_or_no_with_nothing_waiting_is_answered_by_the_bot(
    app, model, channel, line, locale, said
):
    chat = Conversation(app, channel, locale=locale)
    await chat.start()
    (reply,) = await chat.say(line)
    assert reply.text == said
    assert model.requests == []


async def test_when_the_model_cannot_finish_the_parser_answers(app, model, channel):
    """Every try fails (HTTP 500, then the agent's own retries): the line is a search the
    parser reads (not with certainty: a name and a company), so the user gets its results
    instead of "not available"."""
    chat = Conversation(app, channel)
    await chat.start()
    model.script(*[http_error(500)] * 4)
    replies = await chat.say("who is Jane at Acme?")
    assert all("not available" not in r.text for r in replies)
    assert "jane@acme.com" in str([r.cards for r in replies])
    assert len(model.requests) == 4


async def test_a_model_that_recovers_within_the_turn_is_not_noticed(app, model, channel):
    chat = Conversation(app, channel)
    await chat.start()
    model.script(http_error(500), http_error(503), text("Jane Doe is at Acme."))
    (reply,) = await chat.say("who is Jane at Acme?")
    assert reply.text == "Jane Doe is at Acme."


async def test_a_muddled_model_hands_the_line_to_the_parser(app, model, channel):
    """The model repeats one call until the loop stops it: the parser reads the line."""
    chat = Conversation(app, channel)
    await chat.start()
    search = tool_call("SearchContact", {"query": "zzz"})
    model.script(search, search, search)
    replies = await chat.say("who is Jane at Acme?")
    assert "jane@acme.com" in str([r.cards for r in replies])
    assert all("could not finish" not in r.text for r in replies)


async def test_a_typed_create_for_an_email_hubspot_has_shows_that_contact(app, model, channel):
    chat = Conversation(app, channel)
    await chat.start()
    (reply,) = await chat.say("add Jane Doe, jane@acme.com")
    assert (
        reply.text
        == "A contact with the email jane@acme.com already exists, so I did not create another one."
    )
    assert "Create contact" not in str(reply.cards)
    assert await app.hubspot_local.store.count() == 1
    assert model.requests == []


async def test_an_update_the_parser_is_unsure_of_opens_the_form_when_the_model_fails(
    app, model, channel
):
    """The parser reads "has moved to Denver" as a company: with the model down, the contact's
    edit form comes, not a preview of that misreading."""
    chat = Conversation(app, channel)
    await chat.start()
    model.script(*[http_error(500)] * 4)
    replies = await chat.say("jane@acme.com has moved to Denver, please update her city")
    assert "Denver" not in str([r.cards for r in replies])
    assert any(heading(c).startswith("Update") for r in replies for c in r.cards), [
        heading(c) for r in replies for c in r.cards
    ]
    assert "update_confirm" not in str([r.cards for r in replies])
