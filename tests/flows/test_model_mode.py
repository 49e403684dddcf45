"""Model mode through HTTP: typed text goes to the agent (a scripted OpenAI-compatible server,
driven by the real SDK), and the bot shows what the agent did with the guided flows' cards. A
prepared update is confirmed through the same Confirm path as a form."""

from __future__ import annotations

import pytest

from app import STORE_KEY
from contacts.model import SearchCriteria
from tests.support import activities as act
from tests.support.botapp import (
    Conversation,
    action_data,
    card_nodes,
    running_app,
    test_settings,
)
from tests.support.cardread import facts, heading
from tests.support.scripted_openai import ScriptedOpenAI, text, tool_call


def create_data(form: dict) -> dict:
    """What pressing Create on a prefilled form sends: its inputs as shown, and the button's."""
    inputs = {
        n["id"]: n.get("value", "")
        for n in card_nodes(form)
        if str(n.get("type", "")).startswith("Input.") and n.get("id")
    }
    return {**inputs, **action_data(form, "Create")}


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
                }
            )
        ).contact
        yield bot


async def test_typed_request_searches_and_shows_results(app, model, channel):
    chat = Conversation(app, channel)
    await chat.start()
    model.script(tool_call("SearchContact", {"query": "Jane"}), text("I found Jane Doe."))
    replies = await chat.say("who is Jane at Acme?")
    typing = [
        r
        for r in channel.activities(chat.conversation_id, include_typing=True)
        if r.type == "typing"
    ]
    assert typing, "a typing indicator is sent while the model works"
    (reply,) = replies
    assert reply.text == "I found Jane Doe."
    assert action_data(reply.cards[0], "Update")["contact_id"] == app.jane.id
    # The next turn's model call sees this exchange in its history.
    model.script(text("Her title is not on record."))
    await chat.say("and what is her title?")
    assert model.requests[-1].history()[-2:] == [
        {"role": "user", "content": "who is Jane at Acme?"},
        {"role": "assistant", "content": "I found Jane Doe."},
    ]


async def test_a_model_create_is_previewed_and_written_by_the_create_click(app, model, channel):
    chat = Conversation(app, channel)
    await chat.start()
    model.script(
        tool_call(
            "CreateContact",
            {"properties": {"firstname": "Ann", "lastname": "Lee", "email": "ann@globex.com"}},
        ),
        text("Here is Ann Lee; press Create to add her."),
    )
    replies = await chat.say("Ann Lee from Globex should be in our contacts too, ann@globex.com")
    assert replies[0].text == "Here is Ann Lee; press Create to add her."
    form = replies[-1].cards[0]
    assert heading(form) == "Create contact"
    assert await app.contacts.find_by_email("ann@globex.com") is None  # nothing written yet
    clicked = await chat.click(create_data(form))
    assert [heading(r.cards[0]) for r in clicked if r.cards and not r.updated] == [
        "Contact created"
    ]
    stored = await app.contacts.find_by_email("ann@globex.com")
    assert stored is not None and stored.full_name == "Ann Lee"
    (entry,) = await app.app[STORE_KEY].audit_log()  # the write is audited
    assert (entry.action, entry.contact_id) == ("create", stored.id)
    assert entry.properties["email"] == "ann@globex.com" and entry.actor_id
    await chat.click(create_data(form))  # a second click writes nothing
    page = await app.contacts.search(SearchCriteria(text="Ann Lee"), limit=10)
    assert [c.full_name for c in page.results] == ["Ann Lee"]


def _script_cto_update(model, app) -> None:
    """The model finds Jane and prepares making her the CTO (a confirmation card)."""
    model.script(
        tool_call("SearchContact", {"query": "jane@acme.com"}),
        lambda body: tool_call(
            "UpdateContact", {"contact_id": app.jane.id, "properties": {"jobtitle": "CTO"}}
        ),
        text("Please confirm the change."),
    )


async def test_update_ends_in_the_confirm_card_and_confirm_writes(app, model, channel):
    chat = Conversation(app, channel)
    await chat.start()
    _script_cto_update(model, app)
    (reply,) = await chat.say("make jane@acme.com the CTO")
    assert reply.text == "Please confirm the change."
    card = reply.cards[0]
    assert facts(card) == {"Job title": "(empty) → CTO"}
    assert (await app.contacts.get(app.jane.id)).get("jobtitle") == ""
    reply, ended = await chat.click(action_data(card, "Confirm"))
    assert heading(reply.cards[0]) == "Contact updated" and ended.updated
    assert (await app.contacts.get(app.jane.id)).get("jobtitle") == "CTO"
    (reply,) = await chat.click(action_data(card, "Confirm"))
    assert reply.text.startswith("That card was already used (✓ Saved by User"), reply.text


async def test_button_click_asks_the_question_and_offers_a_form(app, model, channel):
    chat = Conversation(app, channel)
    (welcome,) = await chat.start()
    (reply,) = await chat.click(action_data(welcome.cards[0], "Create contact"))
    assert reply.text.startswith("Create contact — who should I add?")
    (form,) = await chat.click(action_data(reply.cards[0], "Use a form"))
    assert heading(form.cards[0]) == "Create contact"
    # The model continues the thread: it sees the choice and the question.
    model.script(text("Got it."))
    await chat.say("Ann Lee, ann@globex.com")
    history = model.requests[-1].history()
    assert history[-2]["content"] == "Create contact"
    assert history[-1]["content"].startswith("Create contact — who should I add?")


async def test_model_failure_answers_with_the_buttons(app, model, channel):
    from tests.support.scripted_openai import http_error

    chat = Conversation(app, channel)
    await chat.start()
    model.script(*[http_error(500)] * 4)  # the first try and the agent's three more
    (reply,) = await chat.say("hmm, the thing from before")  # nothing the parser reads either
    assert "not available right now" in reply.text
    assert [a["data"]["action"] for a in reply.cards[0]["actions"]] == [
        "start_search",
        "start_create",
        "start_update",
    ]


async def test_korean_model_mode_question(app, model, channel):
    chat = Conversation(app, channel, locale="ko-KR")
    (welcome,) = await chat.start()
    (reply,) = await chat.click(action_data(welcome.cards[0], "연락처 검색"))
    assert reply.text.startswith("연락처 검색 — 누구를 찾을까요?")
    assert action_data(reply.cards[0], "양식으로 입력")["form"] == "search"


async def test_a_read_only_user_searches_through_the_model_but_cannot_write(
    tmp_path, model, channel
):
    user = "33333333-3333-3333-3333-333333333333"  # the Teams fixtures' aadObjectId
    settings = test_settings(tmp_path, readonly_users=(user,))
    async with running_app(settings, openai_client=model.client()) as bot:
        jane = (
            await bot.contacts.create(
                {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com"}
            )
        ).contact
        count = await bot.hubspot_local.store.count()
        chat = Conversation(bot, channel, kind="teams")
        await chat.start()
        model.script(tool_call("SearchContact", {"query": "Jane"}), text("I found Jane Doe."))
        (reply,) = await chat.say("who is Jane?")
        assert reply.text == "I found Jane Doe."
        assert action_data(reply.cards[0], "Update")["contact_id"] == jane.id
        assert [t["function"]["name"] for t in model.requests[-1].body["tools"]] == [
            "SearchContact"
        ]
        # A model that calls CreateContact anyway gets a refusal; HubSpot is untouched.
        model.script(
            tool_call(
                "CreateContact",
                {"properties": {"firstname": "Ann", "lastname": "Lee", "email": "ann@globex.com"}},
            ),
            text("You can only search, so I did not add Ann."),
        )
        (reply,) = await chat.say(
            "Ann Lee from Globex should be in our contacts too, ann@globex.com"
        )
        assert reply.text == "You can only search, so I did not add Ann."
        assert reply.cards == []
        assert model.requests[-1].tool_results()[-1]["error"] == "refused"
        assert await bot.hubspot_local.store.count() == count
        assert await bot.contacts.find_by_email("ann@globex.com") is None


async def test_a_typed_yes_answers_the_waiting_card_without_the_model(app, model, channel):
    chat = Conversation(app, channel)
    await chat.start()
    _script_cto_update(model, app)
    await chat.say("make jane@acme.com the CTO")
    calls = len(model.requests)
    reply, ended = await chat.say("yes")
    assert heading(reply.cards[0]) == "Contact updated" and ended.updated
    assert len(model.requests) == calls  # the model was not asked
    assert (await app.contacts.get(app.jane.id)).get("jobtitle") == "CTO"
    (reply,) = await chat.say("yes")  # nothing waits any more: the bot says so, not the model
    assert reply.text == "There is no change waiting for your confirmation."
    assert len(model.requests) == calls


async def test_the_models_create_is_its_creators_in_hubspot(app, model, channel):
    owner = await app.hubspot_local.controls.owners.add("ann.lee@acme.com", "Ann", "Lee")
    chat = Conversation(app, channel, kind="teams")
    user = act.teams_message(chat.conversation_id, channel.service_url, "x")["from"]["id"]
    channel.members[user] = {"id": user, "name": "Ann Lee", "email": "ann.lee@acme.com"}
    await chat.start()
    model.script(
        tool_call(
            "CreateContact",
            {"properties": {"firstname": "Kim", "lastname": "Park", "email": "kim@globex.com"}},
        ),
        text("Press Create to add Kim Park."),
    )
    replies = await chat.say("Kim Park from Globex should be in our contacts too, kim@globex.com")
    (created,) = [r for r in await chat.click(create_data(replies[-1].cards[0])) if not r.updated]
    assert facts(created.cards[0])["Owner"] == "Ann Lee"
    stored = await app.contacts.find_by_email("kim@globex.com")
    assert stored is not None and stored.owner_id == owner["id"]
