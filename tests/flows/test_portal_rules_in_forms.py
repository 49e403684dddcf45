"""The portal's own validation rules in the chat (issue 28), over HTTP against the local HubSpot,
which serves and enforces them: a required job title is marked on the create form and asked
for before anything is saved; a phone under "needs a country code" is saved in the stored form
that has it; a rule the bot has not read yet is refused by HubSpot and explained in words,
naming the field, never as "something went wrong"."""

from __future__ import annotations

import asyncio

import hubspot

from tests.support.botapp import Conversation, action_data, running_app, test_settings
from tests.support.cardread import heading


async def _count(bot) -> int:
    local = bot.hubspot_local
    client = hubspot.Client.create(access_token=local.token, host=local.url)
    page = await asyncio.to_thread(client.crm.contacts.basic_api.get_page, limit=100)
    return len(page.results)


async def _form(chat: Conversation):
    (welcome,) = await chat.start()
    (reply,) = await chat.click(action_data(welcome.cards[0], "Create contact"))
    return reply.cards[0]


def _inputs(card) -> dict[str, dict]:
    return {i["id"]: i for i in card["body"] if str(i.get("type", "")).startswith("Input.")}


async def test_a_required_job_title_is_marked_and_asked_for_before_saving(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        bot.hubspot_local.controls.validations.set("jobtitle", "MIN_LENGTH", ["1"])
        chat = Conversation(bot, channel)
        form = await _form(chat)
        title = _inputs(form)["jobtitle"]
        assert title["isRequired"] is True
        assert title["errorMessage"] == "required in your HubSpot; please fill it in"
        assert _inputs(form)["firstname"].get("isRequired") is None
        typed = {"firstname": "Mary", "lastname": "Major", "email": "mary@globex.com"}
        (again,) = await chat.click({**action_data(form, "Create"), **typed})
        assert heading(again.cards[0]) == "Create contact"
        assert "Job title: required in your HubSpot; please fill it in" in str(again.cards[0])
        assert await _count(bot) == 0
        retry = {**action_data(again.cards[0], "Create"), **typed, "jobtitle": "CFO"}
        replies = await chat.click(retry)
        assert any(r.cards and heading(r.cards[0]) == "Contact created" for r in replies)
        assert (await bot.contacts.find_by_email("mary@globex.com")).get("jobtitle") == "CFO"


async def test_a_phone_that_needs_a_country_code_is_saved_with_it(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        rules = bot.hubspot_local.controls.validations
        rules.set("phone", "PHONE_NUMBER_WITH_EXPLICIT_COUNTRY_CODE")
        chat = Conversation(bot, channel)
        form = await _form(chat)
        typed = {"firstname": "Mary", "email": "mary@globex.com", "phone": "(415) 555-0100"}
        replies = await chat.click({**action_data(form, "Create"), **typed})
        assert any(r.cards and heading(r.cards[0]) == "Contact created" for r in replies)
        stored = await bot.contacts.find_by_email("mary@globex.com")
        assert stored.get("phone") == "+14155550100"


async def test_a_rule_hubspot_enforces_before_the_bot_knows_it_is_explained_in_words(
    tmp_path, channel
):
    async with running_app(test_settings(tmp_path)) as bot:
        chat = Conversation(bot, channel)
        form = await _form(chat)  # the bot read the rules: none yet
        bot.hubspot_local.controls.validations.set("company", "MAX_LENGTH", ["5"])
        typed = {"firstname": "Mary", "email": "mary@globex.com", "company": "Globex Corporation"}
        replies = await chat.click({**action_data(form, "Create"), **typed})
        said = " ".join(r.text for r in replies) + str([r.cards for r in replies])
        assert "Company: too long" in said
        assert "went wrong" not in said
        assert await _count(bot) == 0
        # The refusal made the bot read the rules again: the next try is stopped before HubSpot.
        form = next(
            r.cards[0] for r in replies if r.cards and heading(r.cards[0]) == "Create contact"
        )
        sent = bot.hubspot_local.counters["create"].total
        replies = await chat.click({**action_data(form, "Create"), **typed})
        said = " ".join(r.text for r in replies) + str([r.cards for r in replies])
        assert "Company: too long" in said
        assert bot.hubspot_local.counters["create"].total == sent  # not asked again
        assert await _count(bot) == 0
