"""Every model-made create is previewed: the contact the model prepares is shown prefilled with
Create, nothing is written before the user's click or typed yes (or 네), and a typed no drops it.
The scripted OpenAI-compatible server plays the model; HubSpot is the local one."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.botapp import (
    Conversation,
    action_data,
    card_nodes,
    running_app,
    test_settings,
)
from tests.support.cardread import heading
from tests.support.scripted_openai import ScriptedOpenAI, text, tool_call

# Lines the typed parser cannot read with certainty, so the model gets them.
ANN_EN = "Ann Lee from Globex should be in our contacts too, ann@globex.com"
ANN_KO = "글로벡스의 이안나 님도 연락처에 있어야 해요, anna.lee@globex.com"
ANN = {"firstname": "Ann", "lastname": "Lee", "email": "ann@globex.com", "company": "Globex"}


def create_data(form: dict[str, Any]) -> dict[str, Any]:
    """What pressing Create on a prefilled form sends: its inputs as shown, and the button's."""
    inputs = {
        n["id"]: n.get("value", "")
        for n in card_nodes(form)
        if str(n.get("type", "")).startswith("Input.") and n.get("id")
    }
    return {**inputs, **action_data(form, "Create" if "Create" in str(form) else "만들기")}


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
                {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com"}
            )
        ).contact
        yield bot


def _script_ann(model: ScriptedOpenAI, reply: str = "I have added Ann Lee.") -> None:
    model.script(tool_call("CreateContact", {"properties": ANN}), text(reply))


async def test_the_models_create_shows_the_prefilled_contact_and_writes_nothing(
    app, model, channel
):
    chat = Conversation(app, channel)
    await chat.start()
    count = await app.hubspot_local.store.count()
    _script_ann(model)
    replies = await chat.say(ANN_EN)
    # "I have added" was not true: the user is told it waits for Create instead.
    assert replies[0].text.startswith("The new contact is not saved yet")
    form = replies[-1].cards[0]
    assert heading(form) == "Create contact"
    shown = {n["id"]: n.get("value") for n in card_nodes(form) if n.get("id") in ANN}
    assert shown == ANN
    assert await app.hubspot_local.store.count() == count
    (told,) = model.requests[-1].tool_results()
    assert told["status"] == "awaiting_confirmation"


async def test_a_typed_yes_creates_the_waiting_contact_once(app, model, channel):
    chat = Conversation(app, channel)
    await chat.start()
    _script_ann(model, "Press Create to add Ann.")
    await chat.say(ANN_EN)
    calls = len(model.requests)
    replies = await chat.say("yes")
    assert [heading(r.cards[0]) for r in replies if r.cards and not r.updated] == [
        "Contact created"
    ]
    assert any(r.updated for r in replies)  # the form ends in the chat as if pressed
    assert len(model.requests) == calls  # the bot answered, not the model
    stored = await app.contacts.find_by_email("ann@globex.com")
    assert stored is not None and stored.get("company") == "Globex"
    (reply,) = await chat.say("yes")  # used up: nothing more is written
    assert reply.text == "There is no change waiting for your confirmation."
    assert await app.hubspot_local.store.count() == 2


async def test_a_typed_ne_creates_it_in_korean(app, model, channel):
    chat = Conversation(app, channel, locale="ko-KR")
    await chat.start()
    props = {"firstname": "안나", "lastname": "이", "email": "anna.lee@globex.com"}
    model.script(tool_call("CreateContact", {"properties": props}), text("만들기를 눌러 주세요."))
    replies = await chat.say(ANN_KO)
    assert await app.contacts.find_by_email("anna.lee@globex.com") is None
    assert heading(replies[-1].cards[0]) == "연락처 만들기"
    await chat.say("네")
    stored = await app.contacts.find_by_email("anna.lee@globex.com")
    assert stored is not None and stored.full_name == "이안나"


async def test_a_typed_no_drops_it_and_nothing_is_written(app, model, channel):
    chat = Conversation(app, channel)
    await chat.start()
    _script_ann(model, "Press Create to add Ann.")
    await chat.say(ANN_EN)
    replies = await chat.say("no")
    assert [r.text for r in replies if not r.updated] == [
        "OK, I did not create that contact. Nothing was saved."
    ]
    (reply,) = await chat.say("yes")
    assert reply.text == "There is no change waiting for your confirmation."
    assert await app.contacts.find_by_email("ann@globex.com") is None


async def test_after_the_create_click_a_typed_yes_writes_nothing_more(app, model, channel):
    chat = Conversation(app, channel)
    await chat.start()
    _script_ann(model, "Press Create to add Ann.")
    replies = await chat.say(ANN_EN)
    await chat.click(create_data(replies[-1].cards[0]))
    assert await app.contacts.find_by_email("ann@globex.com") is not None
    (reply,) = await chat.say("yes")
    assert reply.text == "There is no change waiting for your confirmation."
    assert await app.hubspot_local.store.count() == 2


async def test_a_contact_whose_email_exists_is_pointed_to_not_previewed(app, model, channel):
    chat = Conversation(app, channel)
    await chat.start()
    model.script(
        tool_call(
            "CreateContact",
            {"properties": {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com"}},
        ),
        text("Jane Doe is already in HubSpot."),
    )
    replies = await chat.say("Jane Doe from Acme should be in our contacts, jane@acme.com")
    (told,) = model.requests[-1].tool_results()
    assert told["error"] == "duplicate" and told["existing"]["id"] == app.jane.id
    assert [r.text for r in replies] == ["Jane Doe is already in HubSpot."]
    assert all(heading(c) != "Create contact" for r in replies for c in r.cards)
    assert await app.hubspot_local.store.count() == 1


async def test_yes_answers_the_newest_question_an_update_shown_after_the_create(
    app, model, channel
):
    chat = Conversation(app, channel)
    await chat.start()
    _script_ann(model, "Press Create to add Ann.")
    await chat.say(ANN_EN)
    model.script(
        tool_call("UpdateContact", {"contact_id": app.jane.id, "properties": {"jobtitle": "CTO"}}),
        text("Please confirm."),
    )
    await chat.say("also, Jane from Acme is our CTO now")
    await chat.say("yes")  # the update, shown last
    assert (await app.contacts.get(app.jane.id)).get("jobtitle") == "CTO"
    assert await app.contacts.find_by_email("ann@globex.com") is None
    await chat.say("yes")  # then the contact still waiting
    assert await app.contacts.find_by_email("ann@globex.com") is not None
