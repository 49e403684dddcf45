"""Owners in chat: a Teams user's email comes from the connector's member lookup (served by the
test channel, as Teams serves it), is mapped to a HubSpot owner, and that owner gets the
contacts the user creates, is named on the contact card, and is what "my contacts" / "내
연락처" searches by. A user whose email names no owner creates contacts without one and is told
plainly that "my contacts" has nothing to go on. Real app, local HubSpot, no mocks."""

from __future__ import annotations

import asyncio

import hubspot
import pytest

from tests.support.botapp import Conversation, action_data, running_app, test_settings
from tests.support.cardread import facts, heading, texts

pytestmark = pytest.mark.timeout(40)

TEAMS_USER = "29:1FAKE-user-00000000000000000000000000000000000000000000000000000000000000000000000"


def _member(email: str, name: str) -> dict[str, str]:
    return {
        "id": TEAMS_USER,
        "name": name,
        "aadObjectId": "33333333-3333-3333-3333-333333333333",
        "email": email,
        "userPrincipalName": email,
        "tenantId": "11111111-1111-1111-1111-111111111111",
        "userRole": "user",
    }


async def _stored_owner(bot, contact_id: str) -> str | None:
    """What HubSpot holds, read back through the official SDK."""
    local = bot.hubspot_local
    client = hubspot.Client.create(access_token=local.token, host=local.url)
    obj = await asyncio.to_thread(
        client.crm.contacts.basic_api.get_by_id, contact_id, properties=["hubspot_owner_id"]
    )
    return obj.properties.get("hubspot_owner_id")


def _rows(card) -> list[str]:
    return texts(card)


async def test_a_teams_users_new_contact_is_theirs_in_hubspot_and_in_my_contacts(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        ann = await bot.hubspot_local.controls.owners.add("ann.lee@acme.com", "Ann", "Lee")
        other = await bot.hubspot_local.controls.owners.add("bob@acme.com", "Bob", "Stone")
        await bot.contacts.create(
            {"firstname": "Someone", "lastname": "Else", "email": "else@example.org"},
            owner_id=other["id"],
        )
        channel.members[TEAMS_USER] = _member("Ann.Lee@acme.com", "Ann Lee")
        chat = Conversation(bot, channel, kind="teams")
        await chat.start()

        (created, *_) = await chat.say("add Jane Doe jane@example.org Initech")
        assert heading(created.cards[0]) == "Contact created" and created.text == ""
        assert facts(created.cards[0])["Owner"] == "Ann Lee"
        jane = await bot.contacts.find_by_email("jane@example.org")
        assert jane is not None and jane.owner_id == ann["id"]
        assert await _stored_owner(bot, jane.id) == ann["id"]

        (mine,) = await chat.say("show my contacts")
        assert "Showing 1 of 1" in texts(mine.cards[0])
        shown = _rows(mine.cards[0])
        assert "Jane Doe" in shown and "Someone Else" not in shown

        korean, replaced = await chat.say("내 연락처 보여줘")  # the older list ends
        assert replaced.updated and replaced.id == mine.id
        assert "Jane Doe" in _rows(korean.cards[0]) and "Someone Else" not in _rows(korean.cards[0])

        # The search form's "My contacts" button asks the same.
        (form,) = await chat.say("search")
        button, _replaced = await chat.click(action_data(form.cards[0], "My contacts"))
        assert "Jane Doe" in _rows(button.cards[0])

        # The updated card names the owner too.
        (confirm,) = await chat.say("change company of jane@example.org to Globex")
        updated, ended = await chat.click(action_data(confirm.cards[0], "Confirm"))
        assert heading(updated.cards[0]) == "Contact updated" and ended.updated
        assert facts(updated.cards[0])["Owner"] == "Ann Lee"

        # One member lookup for the whole conversation: the email is kept per user.
        assert channel.member_lookups == [TEAMS_USER]


async def test_an_explicit_owner_wins_over_the_creator(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        await bot.hubspot_local.controls.owners.add("ann.lee@acme.com", "Ann", "Lee")
        bob = await bot.hubspot_local.controls.owners.add("bob@acme.com", "Bob", "Stone")
        result = await bot.contacts.create({"email": "kim@example.org"}, owner_id=bob["id"])
        assert await _stored_owner(bot, result.contact.id) == bob["id"]


async def test_the_create_form_can_name_another_owner(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        await bot.hubspot_local.controls.owners.add("ann.lee@acme.com", "Ann", "Lee")
        bob = await bot.hubspot_local.controls.owners.add("bob@acme.com", "Bob", "Stone")
        channel.members[TEAMS_USER] = _member("ann.lee@acme.com", "Ann Lee")
        chat = Conversation(bot, channel, kind="teams")
        await chat.start()
        (form,) = await chat.click({"action": "start_create"})
        create = action_data(form.cards[-1], "Create")
        (refused,) = await chat.click(
            {**create, "firstname": "Kim", "email": "kim@example.org", "owner_email": "x@y.org"}
        )
        assert (
            "Owner's email: no HubSpot user has the email x@y.org. Leave it empty to be the "
            "owner yourself. Nothing was saved."
        ) in texts(refused.cards[0])
        assert await bot.contacts.find_by_email("kim@example.org") is None  # nothing written
        create = action_data(refused.cards[0], "Create")  # the form again, in its place
        (created, *_) = await chat.click(
            {
                **create,
                "firstname": "Kim",
                "email": "kim@example.org",
                "owner_email": "Bob@acme.com",
            }
        )
        assert facts(created.cards[0])["Owner"] == "Bob Stone"
        kim = await bot.contacts.find_by_email("kim@example.org")
        assert kim is not None and await _stored_owner(bot, kim.id) == bob["id"]


async def test_a_user_with_no_hubspot_owner_creates_unowned_and_is_told_why(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        await bot.hubspot_local.controls.owners.add("ann.lee@acme.com", "Ann", "Lee")
        channel.members[TEAMS_USER] = _member("carol@acme.com", "Carol Diaz")
        chat = Conversation(bot, channel, kind="teams")
        await chat.start()

        (created, *_) = await chat.say("add Jane Doe jane@example.org Initech")
        assert heading(created.cards[0]) == "Contact created" and created.text == ""
        assert "Owner" not in facts(created.cards[0])
        jane = await bot.contacts.find_by_email("jane@example.org")
        assert jane is not None and jane.owner_id == ""
        assert await _stored_owner(bot, jane.id) is None

        (answer,) = await chat.say("my contacts")
        assert answer.text.startswith("You have no HubSpot owner")
        assert "carol@acme.com" in answer.text and not answer.cards


async def test_a_teams_user_the_connector_does_not_know_and_an_emulator_user_have_no_owner(
    tmp_path, channel
):
    async with running_app(test_settings(tmp_path)) as bot:
        teams = Conversation(bot, channel, kind="teams")  # channel.members is empty: 404
        await teams.start()
        (created, *_) = await teams.say("add Jane Doe jane@example.org Initech")
        assert heading(created.cards[0]) == "Contact created" and created.text == ""
        (answer,) = await teams.say("my contacts")
        assert answer.text.startswith("I can't tell which HubSpot owner you are")

        emulator = Conversation(bot, channel)
        await emulator.start()
        (answer,) = await emulator.say("내 연락처")
        assert "HubSpot 담당자인지 알 수 없어요" in answer.text
