"""Update through the buttons: find -> (pick) -> edit form -> old → new preview -> Confirm once.
Nothing is written before Confirm; a contact changed meanwhile is not overwritten. The used
confirmation card ends in place (an update of its activity), see test_cards_end_when_used.py."""

from __future__ import annotations

from tests.support.botapp import Conversation, action_data, running_app, test_settings
from tests.support.cardread import facts, heading, texts


def _inputs(card):
    return {i["id"]: i.get("value") for i in card["body"] if i.get("type") == "Input.Text"}


async def _find_form(bot, channel, **kw):
    chat = Conversation(bot, channel, **kw)
    (welcome,) = await chat.start()
    titles = {"en": "Update contact", "ko": "연락처 수정"}
    lang = "ko" if (kw.get("locale") or "").startswith("ko") else "en"
    (reply,) = await chat.click(action_data(welcome.cards[0], titles[lang]))
    return chat, reply


async def _preview(bot, channel, jane):
    chat, reply = await _find_form(bot, channel)
    assert reply.text == "Update contact — which contact? Type an email or a name."
    (reply,) = await chat.click({**action_data(reply.cards[0], "Find"), "query": jane.email})
    form = reply.cards[0]
    assert heading(form) == "Update Jane Doe"
    values = _inputs(form)
    # The number as the cards show it (HubSpot holds +14155550100).
    assert values["email"] == "jane@acme.com" and values["phone"] == "+1 415-555-0100"
    (reply,) = await chat.click(
        {
            **action_data(form, "Review changes"),
            **values,
            "phone": "+1 415 555 0199",
            "jobtitle": "CTO",
        }
    )
    # The card says that nothing is saved before Confirm; no line above it says so again.
    assert reply.text == ""
    assert "Nothing is saved until you press Confirm." in texts(reply.cards[0])
    return chat, reply.cards[0]


async def _jane(bot):
    return (
        await bot.contacts.create(
            {
                "firstname": "Jane",
                "lastname": "Doe",
                "email": "jane@acme.com",
                "phone": "+14155550100",
                "company": "Acme",
            }
        )
    ).contact


async def test_update_is_previewed_then_confirmed_once(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        jane = await _jane(bot)
        chat, confirm = await _preview(bot, channel, jane)
        assert heading(confirm) == "Confirm changes to Jane Doe"
        assert facts(confirm) == {
            "Phone": "+1 415-555-0100 → +1 415-555-0199",
            "Job title": "(empty) → CTO",
        }
        # Nothing is written before Confirm.
        assert (await bot.contacts.get(jane.id)).get("phone") == "+14155550100"
        reply, ended = await chat.click(action_data(confirm, "Confirm"))
        assert reply.text == "" and not reply.updated
        assert heading(reply.cards[0]) == "Contact updated"
        assert ended.updated and "✓ Saved by User" in texts(ended.cards[0])[-1]
        after = await bot.contacts.get(jane.id)
        assert (after.get("phone"), after.get("jobtitle"), after.get("company")) == (
            "+14155550199",
            "CTO",
            "Acme",
        )
        # A second click on the same Confirm (or its Cancel) writes nothing and says so.
        version = after.version
        (reply,) = await chat.click(action_data(confirm, "Confirm"))
        assert reply.text.startswith("That card was already used (✓ Saved by User · "), reply.text
        (reply,) = await chat.click(action_data(confirm, "Cancel"))
        assert reply.text.startswith("That card was already used (✓ Saved by User · "), reply.text
        assert (await bot.contacts.get(jane.id)).version == version


async def test_cancel_writes_nothing(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        jane = await _jane(bot)
        chat, confirm = await _preview(bot, channel, jane)
        (ended,) = await chat.click(action_data(confirm, "Cancel"))
        # The card itself says so: no message repeats it.
        assert ended.updated and ended.text == ""
        assert texts(ended.cards[0])[-1].startswith("Cancelled by User · ")
        (reply,) = await chat.click(action_data(confirm, "Confirm"))
        assert reply.text.startswith("That card was already used (Cancelled by User · ")
        assert (await bot.contacts.get(jane.id)).get("phone") == "+14155550100"


async def test_contact_changed_before_confirm_is_not_overwritten(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        jane = await _jane(bot)
        chat, confirm = await _preview(bot, channel, jane)
        # A colleague changes the phone in HubSpot between the preview and the Confirm.
        other = await bot.contacts.plan_update(jane.id, {"phone": "+1 415 555 0123"})
        await bot.contacts.apply_update(other)
        reply, ended = await chat.click(action_data(confirm, "Confirm"))
        assert reply.text.startswith("Someone changed Jane Doe after you saw the preview")
        assert facts(reply.cards[0])["Phone"] == "+1 415-555-0123"
        assert ended.updated and texts(ended.cards[0])[-1].startswith("Not saved · ")
        after = await bot.contacts.get(jane.id)
        assert after.get("phone") == "+14155550123" and after.get("jobtitle") == ""


async def test_several_matches_ask_which_one(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        await _jane(bot)
        other = (
            await bot.contacts.create(
                {"firstname": "Jane", "lastname": "Smith", "email": "jane@globex.com"}
            )
        ).contact
        chat, reply = await _find_form(bot, channel)
        (reply,) = await chat.click({**action_data(reply.cards[0], "Find"), "query": "Jane"})
        assert reply.text == ""  # the card's intro says it
        card = reply.cards[0]
        assert "Several contacts match. Choose the one to update." in texts(card)
        assert "Jane Doe" in str(card) and "Jane Smith" in str(card)
        picks = [a for a in card["body"] if "Jane Smith" in str(a)]
        assert picks
        reply, ended = await chat.click(action_data(picks[0], "Choose"))
        assert heading(reply.cards[0]) == "Update Jane Smith"
        assert ended.updated and texts(ended.cards[0])[-1].startswith("User chose Jane Smith · ")
        assert action_data(reply.cards[0], "Review changes")["contact_id"] == other.id


async def test_unknown_contact_says_not_found(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        chat, reply = await _find_form(bot, channel)
        (reply,) = await chat.click(
            {**action_data(reply.cards[0], "Find"), "query": "ghost@nowhere.example"}
        )
        assert reply.text == "I couldn't find a contact matching ghost@nowhere.example."


async def test_unchanged_form_says_nothing_to_change(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        jane = await _jane(bot)
        chat, reply = await _find_form(bot, channel)
        (reply,) = await chat.click({**action_data(reply.cards[0], "Find"), "query": jane.email})
        form = reply.cards[0]
        (reply,) = await chat.click({**action_data(form, "Review changes"), **_inputs(form)})
        assert "nothing to change" in str(reply.cards[0])


async def test_new_email_taken_by_another_contact_is_refused_before_confirm(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        jane = await _jane(bot)
        await bot.contacts.create({"firstname": "John", "email": "john@acme.com"})
        chat, reply = await _find_form(bot, channel)
        (reply,) = await chat.click({**action_data(reply.cards[0], "Find"), "query": jane.email})
        form = reply.cards[0]
        (reply,) = await chat.click(
            {**action_data(form, "Review changes"), **_inputs(form), "email": "john@acme.com"}
        )
        assert "already exists" in str(reply.cards[0])
        assert (await bot.contacts.get(jane.id)).email == "jane@acme.com"
