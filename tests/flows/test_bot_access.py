"""The bot applies the access policy on every turn: a read-only user can search but every write
path (buttons, forms, typed commands, a replayed Confirm) is refused; a user outside the allow
list gets one clear line and nothing else."""

from __future__ import annotations

from tests.support.botapp import Conversation, action_data, running_app, test_settings
from tests.support.cardread import texts

USER = "33333333-3333-3333-3333-333333333333"  # the fixtures' Teams user (aadObjectId)


async def test_read_only_user_may_search_but_not_write(tmp_path, channel):
    async with running_app(test_settings(tmp_path, readonly_users=(USER,))) as bot:
        await bot.contacts.create(
            {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com"}
        )
        count = await bot.hubspot_local.store.count()
        chat = Conversation(bot, channel, kind="teams")
        (welcome,) = await chat.start()
        (reply,) = await chat.say("find jane@acme.com")
        assert reply.text == "" and "Showing 1 of 1" in texts(reply.cards[0])
        for typed in (
            "add Ann Lee ann@globex.com",
            "change phone of jane@acme.com to +1 415 555 0199",
        ):
            (reply,) = await chat.say(typed)
            assert reply.text.startswith("You have read-only access")
        for button in ("Create contact", "Update contact"):
            (reply,) = await chat.click(action_data(welcome.cards[0], button))
            assert reply.text.startswith("You have read-only access")
        (reply,) = await chat.click(
            {"action": "create_submit", "firstname": "Ann", "email": "ann@globex.com"}
        )
        assert reply.text.startswith("You have read-only access")
        assert await bot.hubspot_local.store.count() == count


async def test_user_outside_the_allow_list_is_refused(tmp_path, channel):
    settings = test_settings(tmp_path, allowed_users=("someone-else",))
    async with running_app(settings) as bot:
        chat = Conversation(bot, channel, kind="teams")
        assert await chat.start() == []  # no welcome for someone who may not use the bot
        (reply,) = await chat.say("add Ann Lee ann@globex.com")
        assert reply.text.startswith("Sorry, you are not allowed to use this assistant")
        assert reply.cards == []
        assert await bot.contacts.find_by_email("ann@globex.com") is None
