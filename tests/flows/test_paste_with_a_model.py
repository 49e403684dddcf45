"""Paste to capture with a model configured (issue 27): a pasted signature is read by the same
reader and previewed the same way as in guided mode; the model is not asked and nothing is
written before Create."""

from __future__ import annotations

import pytest

from tests.flows.test_paste_chat import SIGNATURE, prefilled
from tests.support.botapp import Conversation, action_data, running_app, test_settings
from tests.support.cardread import heading
from tests.support.scripted_openai import ScriptedOpenAI


@pytest.fixture
async def model():
    async with ScriptedOpenAI() as server:
        yield server
        assert server.unexpected_calls == 0


async def test_a_paste_is_previewed_as_in_guided_mode_and_the_model_is_not_asked(
    tmp_path, model, channel
):
    async with running_app(test_settings(tmp_path), openai_client=model.client()) as bot:
        chat = Conversation(bot, channel)
        await chat.start()
        (reply,) = await chat.say(SIGNATURE)
        form = reply.cards[0]
        assert heading(form) == "Create contact"
        values = prefilled(form)
        assert values["email"] == "jane.doe@acme.com" and values["company"] == "Acme Inc."
        assert model.requests == []  # the reader, not the model, read the paste
        assert await bot.contacts.find_by_email("jane.doe@acme.com") is None
        await chat.click({**action_data(form, "Create"), **values})
        stored = await bot.contacts.find_by_email("jane.doe@acme.com")
        assert stored is not None and stored.get("jobtitle") == "VP of Sales"
        assert model.requests == []
