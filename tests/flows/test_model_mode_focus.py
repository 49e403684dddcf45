"""The conversation's focus reaches the model (issue 24): after a search shows one contact,
the next turn's model request says which contact "her" means, and the update it prepares for
that id still waits for the user's Confirm."""

from __future__ import annotations

import pytest

from tests.support.botapp import Conversation, action_data, running_app, test_settings
from tests.support.cardread import facts
from tests.support.scripted_openai import ScriptedOpenAI, text, tool_call


@pytest.fixture
async def model():
    async with ScriptedOpenAI() as server:
        yield server
        assert server.unexpected_calls == 0


async def test_the_model_is_told_the_contact_in_focus_and_its_update_waits_for_confirm(
    tmp_path, model, channel
):
    async with running_app(test_settings(tmp_path), openai_client=model.client()) as bot:
        jane = (
            await bot.contacts.create(
                {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com"}
            )
        ).contact
        chat = Conversation(bot, channel)
        await chat.start()
        model.script(tool_call("SearchContact", {"query": "jane@acme.com"}), text("Found her."))
        await chat.say("what do we know about jane@acme.com?")
        # Before anything is in focus, no focus note is sent.
        assert not [m for m in model.requests[0].messages if "in focus" in m["content"]]
        model.script(
            tool_call("UpdateContact", {"contact_id": jane.id, "properties": {"jobtitle": "CTO"}}),
            text("Please confirm."),
        )
        (reply,) = await chat.say("make her the CTO")
        notes = [
            m["content"]
            for m in model.requests[-2].messages
            if m["role"] == "system" and "in focus" in m["content"]
        ]
        assert notes and jane.id in notes[0]
        # The note comes right before the user's message, after the unchanged system prompt.
        assert model.requests[-2].messages[-2]["content"] == notes[0]
        assert model.requests[-2].messages[0]["content"] == model.requests[0].messages[0]["content"]
        card = reply.cards[0]
        assert facts(card) == {"Job title": "(empty) → CTO"}
        assert (await bot.contacts.get(jane.id)).get("jobtitle") == ""  # context, not consent
        await chat.click(action_data(card, "Confirm"))
        assert (await bot.contacts.get(jane.id)).get("jobtitle") == "CTO"
