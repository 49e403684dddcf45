"""An update that changes a name, a phone or a company is checked for likely duplicates before
Confirm (issue 28): the preview says which contact it would then look like, and why; a change
that makes no contact look alike, or one of another field, is previewed as before."""

from __future__ import annotations

from tests.support.botapp import Conversation, action_data, running_app, test_settings
from tests.support.cardread import heading

JONATHAN = {
    "firstname": "Jonathan",
    "lastname": "Smith",
    "company": "ACME Inc.",
    "phone": "+1 415 555 0100",
    "email": "jon@acme.com",
}


async def test_a_new_phone_that_another_contact_has_is_named_before_confirm(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        await bot.contacts.create(JONATHAN)
        jon = (
            await bot.contacts.create(
                {"firstname": "Jon", "lastname": "Smith", "email": "jon.smith@gmail.com"}
            )
        ).contact
        chat = Conversation(bot, channel)
        await chat.start()
        (reply,) = await chat.say("update jon.smith@gmail.com phone 415-555-0100")
        assert reply.text == (
            "Possible duplicate: Jonathan Smith · ACME Inc. · +1 415-555-0100 "
            "(same phone number). Check before you confirm."
        )
        assert heading(reply.cards[0]).startswith("Confirm changes to Jon Smith")
        await chat.click(action_data(reply.cards[0], "Confirm"))  # still the user's choice
        assert (await bot.contacts.get(jon.id)).get("phone") == "+14155550100"


async def test_a_change_that_makes_no_one_look_alike_says_nothing_more(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        await bot.contacts.create(JONATHAN)
        await bot.contacts.create(
            {"firstname": "Mary", "lastname": "Major", "email": "mary@globex.com"}
        )
        chat = Conversation(bot, channel)
        await chat.start()
        (reply,) = await chat.say("update mary@globex.com phone 415-555-0199")
        assert reply.text == ""
        other = Conversation(bot, channel)  # one waiting change per chat: a second chat
        await other.start()
        (reply,) = await other.say("update jon@acme.com title CTO")  # not name, phone, company
        assert reply.text == ""
        assert heading(reply.cards[0]).startswith("Confirm changes to Jonathan Smith")
