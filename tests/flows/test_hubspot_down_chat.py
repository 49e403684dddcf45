"""When HubSpot fails, the user gets one clear line in the chat (never a traceback), and the
line says whether a write may have happened."""

from __future__ import annotations

import logging

from hubspot_local.options import Faults
from tests.support.botapp import Conversation, action_data, running_app, test_settings
from tests.support.cardread import heading
from tests.support.hubspot_server import hubspot_server


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
            reply, ended = await chat.click(confirm)
            assert heading(reply.cards[0]) == "Contact updated" and ended.updated
            assert (await bot.contacts.get(jane.id)).get("company") == "Globex"

            # The create reached HubSpot but the answer was lost: the user is told the truth
            # (created, or that it may have been saved), and there is no duplicate.
            controls.faults = Faults(
                rate=1.0, statuses=(503,), after_commit_share=1.0, routes=frozenset({"create"})
            )
            (reply,) = await chat.say("add Ann Lee ann@globex.com")
            controls.faults = Faults()
            if reply.cards:
                assert heading(reply.cards[0]) == "Contact created"
            else:
                assert reply.text.startswith("HubSpot did not confirm the save")
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert any("HubSpot unavailable" in r.getMessage() for r in caplog.records)
        assert await bot.hubspot_local.store.count() == 2  # Jane and one Ann


async def test_a_wrong_hubspot_token_is_reported_as_misconfigured_not_busy(
    tmp_path, channel, caplog
):
    """401: the user hears the bot is misconfigured (waiting will not help), the operator reads
    which setting to check, the token itself is in neither, and nothing is retried."""
    async with hubspot_server(token="the-right-token") as hs:
        settings = test_settings(
            tmp_path, hubspot_access_token="a-wrong-token", hubspot_base_url=hs.url
        )
        async with running_app(settings) as bot:
            chat = Conversation(bot, channel)
            await chat.start()
            with caplog.at_level(logging.INFO):
                (reply,) = await chat.say("find jane@acme.com")
            assert reply.text.startswith("I can't use HubSpot: this bot's HubSpot access is not")
            assert "try again in a minute" not in reply.text
            chat_ko = Conversation(bot, channel, locale="ko-KR")
            await chat_ko.start()
            (reply,) = await chat_ko.say("jane@acme.com 찾아줘")
            assert reply.text.startswith("HubSpot을 사용할 수 없어요.")
        assert hs.counters["read"].statuses == {401: 2}  # one try each, no retries
    logs = "\n".join(r.getMessage() for r in caplog.records)
    assert "HubSpot rejected the token: check HUBSPOT_ACCESS_TOKEN and its scopes" in logs
    assert "a-wrong-token" not in logs and "HubSpot unavailable" not in logs


async def test_a_token_without_the_write_scope_reads_but_cannot_write(tmp_path, channel, caplog):
    """403 MISSING_SCOPES (a Service Key made with contacts read only): searches work, a
    create is refused with the misconfiguration message, and nothing is written."""
    async with running_app(test_settings(tmp_path)) as bot:
        bot.hubspot_local.controls.scopes = frozenset({"crm.objects.contacts.read"})
        chat = Conversation(bot, channel)
        await chat.start()
        (reply,) = await chat.say("find nobody@nowhere.example")
        assert reply.text == "No contacts found for nobody@nowhere.example."
        with caplog.at_level(logging.WARNING):
            (reply,) = await chat.say("add Ann Lee ann@globex.com")
        assert reply.text.startswith("I can't use HubSpot: this bot's HubSpot access is not")
        assert await bot.hubspot_local.store.count() == 0
        assert bot.hubspot_local.controls.counters["create"].statuses == {403: 1}
    assert any(
        "HubSpot rejected the token: check HUBSPOT_ACCESS_TOKEN" in r.getMessage()
        for r in caplog.records
    )
