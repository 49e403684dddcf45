"""Model mode through HTTP: typed text goes to the agent (a scripted OpenAI-compatible server,
driven by the real SDK), and the bot shows what the agent did with the guided flows' cards. A
prepared update is confirmed through the same Confirm path as a form."""

from __future__ import annotations

import pytest

from app import STORE_KEY
from contacts.model import SearchCriteria
from tests.support import activities as act
from tests.support.botapp import Conversation, action_data, running_app, test_settings
from tests.support.cardread import facts, heading
from tests.support.scripted_openai import ScriptedOpenAI, text, tool_call


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
    model.script(text("You're welcome."))
    await chat.say("thanks")
    assert model.requests[-1].history()[-2:] == [
        {"role": "user", "content": "who is Jane at Acme?"},
        {"role": "assistant", "content": "I found Jane Doe."},
    ]


async def test_typed_create_shows_the_new_contact(app, model, channel):
    chat = Conversation(app, channel)
    await chat.start()
    model.script(
        tool_call(
            "CreateContact",
            {"properties": {"firstname": "Ann", "lastname": "Lee", "email": "ann@globex.com"}},
        ),
        text("Added Ann Lee."),
    )
    (reply,) = await chat.say("add Ann Lee, ann@globex.com")
    assert reply.text == "Added Ann Lee."
    assert heading(reply.cards[0]) == "Contact created"
    stored = await app.contacts.find_by_email("ann@globex.com")
    assert stored is not None and stored.full_name == "Ann Lee"
    (entry,) = await app.app[STORE_KEY].audit_log()  # the model's write is audited too
    assert (entry.action, entry.contact_id) == ("create", stored.id)
    assert entry.properties["email"] == "ann@globex.com" and entry.actor_id


async def test_a_model_create_redelivered_after_a_crash_is_not_written_twice(app, model, channel):
    """The instance died after HubSpot created the contact but before the activity was marked
    processed; Teams redelivers it and the model asks for the same create again."""
    chat = Conversation(app, channel)
    await chat.start()
    create = tool_call("CreateContact", {"properties": {"firstname": "Ann", "lastname": "Lee"}})
    model.script(create, text("Added Ann Lee."))
    activity = act.emulator_message(chat.conversation_id, channel.service_url, "add Ann Lee")
    await app.post(activity)
    store = app.app[STORE_KEY]
    store.forget_processed(f"emulator/{chat.conversation_id}/{activity['id']}")
    model.script(create, lambda body: text("Ann Lee was already added."))
    start = len(channel.messages(chat.conversation_id))
    await app.post(activity)
    assert [r.text for r in channel.messages(chat.conversation_id)[start:]] == [
        "Ann Lee was already added."
    ]
    (told,) = model.requests[-1].tool_results()
    assert told["error"] == "already_done" and "You already saved this at" in told["message"]
    page = await app.contacts.search(SearchCriteria(text="Ann Lee"), limit=10)
    assert [c.full_name for c in page.results] == ["Ann Lee"]
    assert [e.action for e in await store.audit_log()] == ["create"]


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
    model.script(http_error(500))
    (reply,) = await chat.say("find Jane")
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
        (reply,) = await chat.say("add Ann Lee, ann@globex.com")
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
    model.script(text("Anything else?"))
    (reply,) = await chat.say("yes")  # nothing waits any more: the model answers
    assert reply.text == "Anything else?"


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
        text("Added Kim Park."),
    )
    (reply,) = await chat.say("add Kim Park, kim@globex.com")
    assert facts(reply.cards[0])["Owner"] == "Ann Lee"
    stored = await app.contacts.find_by_email("kim@globex.com")
    assert stored is not None and stored.owner_id == owner["id"]
