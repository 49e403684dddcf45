"""No guessing a contact: when several contacts match an update, the user chooses. The model's
update on one of them is refused back to it as `ambiguous` and the user is shown the choice, the
values asked for waiting for the pick; words that name only one ("the one at Globex") choose it.
The scripted OpenAI-compatible server plays the model; HubSpot is the local one."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.botapp import (
    Conversation,
    action_data,
    running_app,
    submit_actions,
    test_settings,
)
from tests.support.cardread import facts, heading
from tests.support.scripted_openai import ScriptedOpenAI, Step, text, tool_call


@pytest.fixture
async def model():
    async with ScriptedOpenAI() as server:
        yield server
        assert server.unexpected_calls == 0


@pytest.fixture
async def app(tmp_path, model):
    async with running_app(test_settings(tmp_path), openai_client=model.client()) as running:
        bot: Any = running
        create = bot.contacts.create
        bot.haddad = (
            await create(
                {
                    "firstname": "Omar",
                    "lastname": "Haddad",
                    "email": "omar@globex.com",
                    "company": "Globex",
                }
            )
        ).contact
        bot.farouk = (
            await create(
                {
                    "firstname": "Omar",
                    "lastname": "Farouk",
                    "email": "omar@vandelay.com",
                    "company": "Vandelay",
                }
            )
        ).contact
        yield bot


def _update(contact_id: str, title: str = "Procurement Lead") -> Step:
    return tool_call("UpdateContact", {"contact_id": contact_id, "properties": {"jobtitle": title}})


def _picks(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """contact id -> what clicking its row on a pick card sends."""
    return {
        str(a["data"]["contact_id"]): dict(a["data"])
        for a in submit_actions(card)
        if a.get("data", {}).get("action") == "update_pick"
    }


async def test_the_models_pick_among_two_is_refused_and_the_user_chooses(app, model, channel):
    chat = Conversation(app, channel)
    await chat.start()
    model.script(
        tool_call("SearchContact", {"query": "Omar"}),
        lambda body: _update(app.haddad.id),  # the model picks one by itself
        text("Which Omar do you mean?"),
    )
    (reply,) = await chat.say("Omar got promoted, his job title is Procurement Lead now")
    told = model.requests[-1].tool_results()[-1]
    assert told["error"] == "ambiguous"
    assert reply.text == "Which Omar do you mean?"
    card = reply.cards[0]
    assert set(_picks(card)) == {app.haddad.id, app.farouk.id}  # the choice, not a Confirm
    assert "update_confirm" not in str(card)
    (confirm,) = [r for r in await chat.click(_picks(card)[app.farouk.id]) if not r.updated]
    assert facts(confirm.cards[0]) == {"Job title": "(empty) → Procurement Lead"}
    await chat.click(action_data(confirm.cards[0], "Confirm"))
    assert (await app.contacts.get(app.farouk.id)).get("jobtitle") == "Procurement Lead"
    assert (await app.contacts.get(app.haddad.id)).get("jobtitle") == ""


async def test_words_naming_only_one_choose_it_without_the_model(app, model, channel):
    chat = Conversation(app, channel)
    await chat.start()
    model.script(
        tool_call("SearchContact", {"query": "Omar"}),
        lambda body: _update(app.farouk.id),
        text("Which Omar do you mean?"),
    )
    await chat.say("Omar got promoted, his job title is Procurement Lead now")
    calls = len(model.requests)
    replies = await chat.say("the one at Globex")
    assert len(model.requests) == calls  # the bot read it: the change was waiting for them
    (confirm,) = [r for r in replies if r.cards and not r.updated]
    assert heading(confirm.cards[0]).startswith("Confirm")
    assert "Omar Haddad" in str(confirm.cards[0])
    assert facts(confirm.cards[0]) == {"Job title": "(empty) → Procurement Lead"}


async def test_the_user_naming_one_lets_the_models_update_through(app, model, channel):
    chat = Conversation(app, channel)
    await chat.start()
    model.script(
        tool_call("SearchContact", {"query": "Omar"}),
        lambda body: _update(app.haddad.id),
        text("Please confirm."),
    )
    (reply,) = await chat.say("Omar Haddad got promoted: Procurement Lead is his title now")
    assert facts(reply.cards[0]) == {"Job title": "(empty) → Procurement Lead"}
    assert "Omar Haddad" in str(reply.cards[0])


async def test_several_in_focus_from_an_earlier_turn_are_a_choice_too(app, model, channel):
    """A list shown before ("which Omar?") and an update on one of them with words that name
    both: refused, the choice shown again."""
    chat = Conversation(app, channel)
    await chat.start()
    model.script(tool_call("SearchContact", {"query": "Omar"}), text("Two Omars."))
    await chat.say("what do we have on Omar?")
    model.script(_update(app.farouk.id, "Buyer"), text("Which one?"))
    (reply,) = await chat.say("make Omar a buyer please")
    assert model.requests[-1].tool_results()[-1]["error"] == "ambiguous"
    assert set(_picks(reply.cards[0])) == {app.haddad.id, app.farouk.id}
    assert (await app.contacts.get(app.farouk.id)).get("jobtitle") == ""


async def test_an_unknown_contact_sends_the_model_back_to_search(app, model, channel):
    chat = Conversation(app, channel)
    await chat.start()
    model.script(_update("999999"), text("I could not find that contact."))
    (reply,) = await chat.say("Omar Haddad got promoted: Procurement Lead is his title now")
    told = model.requests[-1].tool_results()[-1]
    assert told["error"] == "not_found" and "SearchContact" in told["message"]
    assert reply.text == "I could not find that contact." and reply.cards == []
