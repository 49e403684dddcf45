"""A write claimed before HubSpot is called: what a user is told when the claim is someone
else's, or was left behind by an instance that died between the claim and the write."""

from __future__ import annotations

from typing import Any

from store.memory import MemoryStore
from tests.support import activities as act
from tests.support.botapp import Conversation, RunningApp, action_data, running_app
from tests.support.botapp import test_settings as make_settings
from tests.support.cardread import heading, texts
from tests.support.channel import TestChannel


async def _pending_confirm(bot: RunningApp, channel: TestChannel) -> tuple[Conversation, Any, dict]:
    """Jane Doe in HubSpot and a chat waiting for Confirm on her new company."""
    jane = (
        await bot.contacts.create(
            {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com"}
        )
    ).contact
    chat = Conversation(bot, channel)
    await chat.start()
    (reply,) = await chat.say("update jane@acme.com company Globex")
    return chat, jane, action_data(reply.cards[0], "Confirm")


async def test_a_confirm_whose_writer_died_mid_write_is_reported_as_unknown(tmp_path, channel):
    store = MemoryStore()
    async with running_app(make_settings(tmp_path), store=store) as bot:
        chat, jane, confirm = await _pending_confirm(bot, channel)
        # Another instance took this Confirm's claim and died before saying how it went.
        await store.claim(
            f"update/emulator/{chat.conversation_id}/{confirm['pending_id']}", by="other-user"
        )
        reply, ended = await chat.click(confirm)
        assert reply.text.startswith("I can't tell whether this was saved"), reply.text
        assert ended.updated and "did not confirm the save" in texts(ended.cards[0])[-1]
        assert "Nothing was changed" not in reply.text
        assert reply.cards, "the contact as it is now is shown, to check"
        assert (await bot.contacts.get(jane.id)).get("company") == ""
        assert await store.audit_log() == []


async def test_every_applied_update_is_in_the_audit_log_with_its_author(tmp_path, channel):
    store = MemoryStore()
    async with running_app(make_settings(tmp_path), store=store) as bot:
        chat, jane, confirm = await _pending_confirm(bot, channel)
        reply, ended = await chat.click(confirm)
        assert heading(reply.cards[0]) == "Contact updated" and ended.updated
        (entry,) = await store.audit_log()
        assert (entry.action, entry.contact_id, entry.properties) == (
            "update",
            jane.id,
            {"company": "Globex"},
        )
        assert entry.actor_id and entry.channel == "emulator"
        assert entry.conversation == chat.conversation_id


async def test_a_create_cut_off_mid_write_is_not_written_again(tmp_path, channel):
    store = MemoryStore()
    async with running_app(make_settings(tmp_path), store=store) as bot:
        chat = Conversation(bot, channel)
        await chat.start()
        activity = act.emulator_message(
            chat.conversation_id, channel.service_url, "create Ann Park ann@park.kr"
        )
        # An instance claimed this very activity's create and died before it finished; the
        # channel now delivers the activity again.
        await store.claim(f"create/emulator/{chat.conversation_id}/{activity['id']}", by="x")
        start = len(channel.messages(chat.conversation_id))
        await bot.post(activity)
        (reply,) = channel.messages(chat.conversation_id)[start:]
        assert reply.text.startswith("I can't tell whether this was saved"), reply.text
        assert bot.hubspot_local.counters["create"].committed == 0
        # A new message is a new write: it goes through, once, and is audited.
        (reply, *_) = await chat.say("create Ann Park ann@park.kr")
        assert heading(reply.cards[0]) == "Contact created"
        (entry,) = await store.audit_log()
        assert entry.action == "create" and entry.properties["email"] == "ann@park.kr"
        assert bot.hubspot_local.counters["create"].committed == 1
