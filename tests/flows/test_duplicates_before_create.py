"""Likely duplicates beyond the same email, offered before a create (issue 28), through the chat
over HTTP: each rule (the same phone, the same name at the same company or email domain, in
Korean and Western orders, a near-identical name at the same company) holds the create and shows
the contact already in HubSpot; nothing is created until the user chooses. "Create anyway"
creates once; "Update that one instead" goes to that contact's preview (old -> new, Confirm)."""

from __future__ import annotations

import asyncio

import hubspot
import pytest

from hubspot_local.options import Faults
from tests.support.botapp import Conversation, action_data, running_app, test_settings
from tests.support.cardread import heading, texts

JONATHAN = {
    "firstname": "Jonathan",
    "lastname": "Smith",
    "company": "ACME Inc.",
    "phone": "+1 415 555 0100",
    "email": "jon@acme.com",
}

RULES = [
    pytest.param(
        JONATHAN,
        {
            "firstname": "Jon",
            "lastname": "Smith",
            "phone": "(415) 555-0100",
            "email": "jon.smith@gmail.com",
        },
        "same phone number",
        id="same-phone",
    ),
    pytest.param(
        {"firstname": "Jane", "lastname": "Doe", "company": "ACME Inc.", "email": "jane@acme.com"},
        {"firstname": "jane", "lastname": "DOE", "company": "Acme", "email": "jd@gmail.com"},
        "same name at the same company",
        id="same-name-company",
    ),
    pytest.param(
        {"firstname": "Wei", "lastname": "Zhang", "company": "Globex", "email": "wz@globex.com"},
        {"firstname": "Zhang", "lastname": "Wei", "company": "Globex Corp", "email": "z@me.org"},
        "same name at the same company",
        id="western-name-either-order",
    ),
    pytest.param(
        {"firstname": "민지", "lastname": "김", "email": "minji@hanbit.co.kr"},
        {"firstname": "김", "lastname": "민지", "email": "kim.minji@hanbit.co.kr"},
        "same name, same email domain",
        id="korean-name-email-domain",
    ),
    pytest.param(
        {
            "firstname": "Jonathan",
            "lastname": "Smith",
            "company": "ACME Inc.",
            "email": "j@acme.com",
        },
        {"firstname": "Jon", "lastname": "Smith", "company": "Acme", "email": "jon@gmail.com"},
        "nearly the same name at the same company",
        id="similar-name-company",
    ),
]


async def _count(bot) -> int:
    """How many live contacts HubSpot holds (read through the official SDK)."""
    local = bot.hubspot_local
    client = hubspot.Client.create(access_token=local.token, host=local.url)
    page = await asyncio.to_thread(client.crm.contacts.basic_api.get_page, limit=100)
    return len(page.results)


async def _form(chat: Conversation):
    (welcome,) = await chat.start()
    (reply,) = await chat.click(action_data(welcome.cards[0], "Create contact"))
    return reply.cards[0]


def _offer(replies):
    """The possible-duplicates card among a turn's replies, and the form's end."""
    offer = next(r for r in replies if r.cards and heading(r.cards[0]) == "Possible duplicate")
    ended = next(r for r in replies if r.updated)
    return offer.cards[0], ended


async def _held(bot, channel, existing, typed):
    """`existing` in HubSpot; the create form sent with `typed`: the offer and the form's end."""
    stored = (await bot.contacts.create(existing)).contact
    chat = Conversation(bot, channel)
    form = await _form(chat)
    replies = await chat.click({**action_data(form, "Create"), **typed})
    card, ended = _offer(replies)
    return chat, stored, card, ended


@pytest.mark.parametrize("existing,typed,why", RULES)
async def test_each_rule_is_offered_before_the_create_and_nothing_is_created(
    tmp_path, channel, existing, typed, why
):
    async with running_app(test_settings(tmp_path)) as bot:
        chat, stored, card, ended = await _held(bot, channel, existing, typed)
        shown = texts(card)
        assert f"Why: {why}" in shown
        assert any(t.startswith(f"Possible duplicate: {stored.display_name}") for t in shown)
        assert "Nothing is created until you choose" in " ".join(shown)
        assert action_data(card, "Update that one instead")["contact_id"] == stored.id
        assert action_data(card, "Create anyway")
        assert texts(ended.cards[0])[-1].startswith("Not created yet · ")
        assert "Action.Submit" not in str(ended.cards[0])
        assert await _count(bot) == 1  # nothing created yet


async def test_the_preview_names_the_duplicate_as_the_issue_shows_it(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        typed = {"firstname": "Jon", "lastname": "Smith", "company": "Acme"}
        _, _, card, _ = await _held(bot, channel, JONATHAN, {**typed, "phone": "4155550100"})
        assert "Possible duplicate: Jonathan Smith · ACME Inc. · +1 415-555-0100" in texts(card)


async def test_create_anyway_creates_once(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        typed = {"firstname": "Jon", "lastname": "Smith", "phone": "(415) 555-0100"}
        chat, stored, card, _ = await _held(bot, channel, JONATHAN, typed)
        anyway = action_data(card, "Create anyway")
        replies = await chat.click(anyway)
        created = next(r for r in replies if r.cards and not r.updated)
        assert heading(created.cards[0]) == "Contact created"
        ended = next(r for r in replies if r.updated)
        assert texts(ended.cards[0])[-1].startswith("✓ Created Jon Smith")
        assert await _count(bot) == 2
        again = await chat.click(anyway)  # a double click, a replayed card
        assert await _count(bot) == 2
        assert not any(r.cards and heading(r.cards[0]) == "Contact created" for r in again)


async def test_create_anyway_from_a_typed_create(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        await bot.contacts.create(JONATHAN)
        chat = Conversation(bot, channel)
        await chat.start()
        replies = await chat.say("add Jon Smith jon.smith@gmail.com +1 415 555 0100")
        offer = next(r for r in replies if r.cards and heading(r.cards[0]) == "Possible duplicate")
        card = offer.cards[0]
        assert await _count(bot) == 1
        replies = await chat.click(action_data(card, "Create anyway"))
        assert any(r.cards and heading(r.cards[0]) == "Contact created" for r in replies)
        assert (await bot.contacts.find_by_email("jon.smith@gmail.com")) is not None
        assert await _count(bot) == 2


async def test_update_that_one_instead_goes_to_its_preview_and_writes_on_confirm(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        typed = {"firstname": "Jonathan", "lastname": "Smith", "company": "Acme", "jobtitle": "CTO"}
        typed["phone"] = "415-555-0100"
        chat, stored, card, _ = await _held(bot, channel, JONATHAN, typed)
        replies = await chat.click(action_data(card, "Update that one instead"))
        preview = next(r for r in replies if r.cards and not r.updated).cards[0]
        assert heading(preview).startswith("Confirm changes to Jonathan Smith")
        shown = " ".join(texts(preview))
        assert "CTO" in shown and "ACME Inc. → Acme" in shown
        ended = next(r for r in replies if r.updated)
        assert "chose Jonathan Smith" in texts(ended.cards[0])[-1]
        assert (await bot.contacts.get(stored.id)).get("jobtitle") == ""  # not before Confirm
        replies = await chat.click(action_data(preview, "Confirm"))
        after = await bot.contacts.get(stored.id)
        assert (after.get("jobtitle"), after.get("company")) == ("CTO", "Acme")
        assert await _count(bot) == 1  # updated, never created
        again = await chat.click(action_data(card, "Create anyway"))  # the offer has ended
        assert await _count(bot) == 1
        assert not any(r.cards and heading(r.cards[0]) == "Contact created" for r in again)


async def test_a_create_with_no_likely_duplicate_is_not_held(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        await bot.contacts.create(JONATHAN)
        chat = Conversation(bot, channel)
        form = await _form(chat)
        typed = {"firstname": "Mary", "lastname": "Major", "company": "Acme"}
        replies = await chat.click({**action_data(form, "Create"), **typed, "phone": "4155550199"})
        assert any(r.cards and heading(r.cards[0]) == "Contact created" for r in replies)
        assert await _count(bot) == 2


async def test_create_anyway_whose_answer_is_lost_is_not_written_twice(tmp_path, channel):
    """HubSpot fails the create (a 503: it may have been written): the user is told the truth,
    and a second press does not create blindly."""
    async with running_app(test_settings(tmp_path)) as bot:
        typed = {"firstname": "Jon", "lastname": "Smith", "phone": "(415) 555-0100"}
        chat, _, card, _ = await _held(bot, channel, JONATHAN, typed)
        anyway = action_data(card, "Create anyway")
        controls = bot.hubspot_local.controls
        controls.faults = Faults(
            rate=1.0, statuses=(503,), after_commit_share=0.0, routes=frozenset({"create"})
        )
        replies = await chat.click(anyway)
        assert "may or may not have been saved" in " ".join(r.text for r in replies)
        controls.faults = Faults()
        again = await chat.click(anyway)
        assert not any(r.cards and heading(r.cards[0]) == "Contact created" for r in again)
        assert await _count(bot) == 1
