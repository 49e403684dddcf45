"""When HubSpot fails, the user gets one clear line in the chat (never a traceback), and the
line says whether a write may have happened."""

from __future__ import annotations

import logging

from hubspot_local.options import Faults
from tests.support.botapp import Conversation, action_data, running_app, test_settings


async def test_hubspot_down_and_write_unknown(tmp_path, channel, caplog):
    async with running_app(test_settings(tmp_path)) as bot:
        jane = (
            await bot.contacts.create(
                {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com"}
            )
        ).contact
        chat = Conversation(bot, channel)
        await chat.start()
        (reply,) = await chat.say("change company of jane@acme.com to Globex")
        confirm = action_data(reply.cards[0], "Confirm")
        controls = bot.hubspot_local.controls

        with caplog.at_level(logging.WARNING):
            controls.faults = Faults(rate=1.0, statuses=(503,), after_commit_share=0.0)
            (reply,) = await chat.say("find jane@acme.com")
            assert reply.text.startswith("HubSpot isn't answering right now. Nothing was changed")
            # A Confirm that failed before anything was written can be pressed again.
            (reply,) = await chat.click(confirm)
            assert reply.text.startswith("HubSpot isn't answering right now")
            controls.faults = Faults()
            (reply,) = await chat.click(confirm)
            assert reply.text == "Updated the contact Jane Doe."
            assert (await bot.contacts.get(jane.id)).get("company") == "Globex"

            # The create reached HubSpot but the answer was lost: the user is told the truth
            # (created, or that it may have been saved), and there is no duplicate.
            controls.faults = Faults(
                rate=1.0, statuses=(503,), after_commit_share=1.0, routes=frozenset({"create"})
            )
            (reply,) = await chat.say("add Ann Lee ann@globex.com")
            controls.faults = Faults()
            assert reply.text == "Created the contact Ann Lee." or reply.text.startswith(
                "HubSpot did not confirm the save"
            )
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert any("HubSpot unavailable" in r.getMessage() for r in caplog.records)
        assert await bot.hubspot_local.store.count() == 2  # Jane and one Ann
