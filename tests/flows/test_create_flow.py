"""Create through the buttons: the form creates at once after a duplicate check; a duplicate
shows the existing contact (nothing new in HubSpot); a bad value shows the form again, filled in,
naming the field, in place of the form that was sent."""

from __future__ import annotations

from contacts.model import SearchCriteria
from tests.support.botapp import Conversation, action_data, running_app, test_settings
from tests.support.cardread import heading, texts


async def _create_form(bot, channel):
    chat = Conversation(bot, channel)
    (welcome,) = await chat.start()
    (reply,) = await chat.click(action_data(welcome.cards[0], "Create contact"))
    assert reply.text.startswith("Create contact — fill in the form")
    return chat, reply.cards[0]


def chat_form_id(chat) -> str:
    """The id of the activity that carried the create form (the one _create_form opened)."""
    sent = chat.channel.activities(chat.conversation_id)
    return next(
        r.id for r in sent if r.cards and not r.updated and heading(r.cards[0]) == "Create contact"
    )


async def _count(bot, **criteria) -> int:
    return (await bot.contacts.search(SearchCriteria(**criteria))).total


async def test_create_form_creates_the_contact(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        chat, form = await _create_form(bot, channel)
        replies = await chat.click(
            {
                **action_data(form, "Create"),
                "firstname": " Jane ",
                "lastname": "Doe",
                "email": "Jane@Acme.com",
                "phone": "+1 415 555 0100",
                "company": "Acme",
                "jobtitle": "",
            }
        )
        created, ended = replies
        assert created.text == ""  # the card's headline says it
        card = created.cards[0]
        assert heading(card) == "Contact created"
        # The form ends where it was: what was done, by whom; nothing left to press.
        assert ended.updated and ended.id == chat_form_id(chat)
        assert texts(ended.cards[0])[-1].startswith("✓ Created Jane Doe · User · ")
        assert "Action.Submit" not in str(ended.cards[0])
        stored = await bot.contacts.find_by_email("jane@acme.com")
        assert stored is not None
        assert (stored.get("firstname"), stored.get("email"), stored.get("phone")) == (
            "Jane",
            "jane@acme.com",
            "+14155550100",
        )
        assert "jane@acme.com" in str(card) and "+1 415-555-0100" in str(card)


async def test_duplicate_email_shows_the_existing_contact_and_creates_nothing(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        existing = (
            await bot.contacts.create(
                {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com"}
            )
        ).contact
        chat, form = await _create_form(bot, channel)
        reply, ended = await chat.click(
            {**action_data(form, "Create"), "firstname": "Janet", "email": "JANE@acme.com"}
        )
        assert ended.updated and texts(ended.cards[0])[-1].startswith("Not created · ")
        assert "already exists" in reply.text and "jane@acme.com" in reply.text
        card = reply.cards[0]
        assert heading(card) == "This email is already in HubSpot"
        assert "Jane Doe" in str(card)
        assert action_data(card, "Update contact")["contact_id"] == existing.id
        assert await _count(bot, email="jane@acme.com") == 1
        assert (await bot.contacts.get(existing.id)).get("firstname") == "Jane"


async def test_invalid_email_shows_the_form_again_filled_in(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        chat, form = await _create_form(bot, channel)
        (reply,) = await chat.click(
            {
                **action_data(form, "Create"),
                "firstname": "Jane",
                "email": "jane-at-acme",
                "company": "Acme",
            }
        )
        card = reply.cards[0]
        assert reply.updated and reply.id == chat_form_id(chat)  # the same form, to fix
        assert heading(card) == "Create contact"
        assert "Email: not a valid email address" in str(card)
        values = {i["id"]: i.get("value") for i in card["body"] if i.get("type") == "Input.Text"}
        assert values["firstname"] == "Jane" and values["email"] == "jane-at-acme"
        assert values["company"] == "Acme"
        assert await _count(bot, name="Jane") == 0


async def test_empty_create_form_asks_for_a_name_or_email(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        chat, form = await _create_form(bot, channel)
        (reply,) = await chat.click({**action_data(form, "Create"), "firstname": "  "})
        assert "at least a name or an email" in (reply.text + str(reply.cards))
        assert heading(reply.cards[0]) == "Create contact"


async def test_same_name_warning(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        await bot.contacts.create(
            {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com"}
        )
        chat, form = await _create_form(bot, channel)
        replies = await chat.click(
            {
                **action_data(form, "Create"),
                "firstname": "Jane",
                "lastname": "Doe",
                "email": "jane.doe@globex.com",
            }
        )
        assert heading(replies[0].cards[0]) == "Contact created"
        assert len(replies) == 3 and replies[2].updated
        assert replies[1].text.startswith("Note: 1 other contact(s) named Jane Doe")
        assert await _count(bot, name="Jane Doe") == 2


async def test_a_lone_surrogate_is_refused_naming_the_field_and_nothing_reaches_hubspot(
    tmp_path, channel
):
    """A JSON `\\ud800` escape is valid JSON but not text: HubSpot answers it with a 5xx, so
    the user used to hear "may or may not have been saved". It is refused before HubSpot."""
    async with running_app(test_settings(tmp_path)) as bot:
        chat, form = await _create_form(bot, channel)
        counters = bot.hubspot_local.controls.counters
        creates_before = counters["create"].total
        (reply,) = await chat.click(
            {
                **action_data(form, "Create"),
                "firstname": "Ann",
                "lastname": "Lee\ud800",
                "email": "ann@globex.com",
            }
        )
        # The form again, the error in it naming the field, the value shown (U+FFFD for the
        # character that cannot be shown).
        assert reply.cards and heading(reply.cards[0]) == "Create contact"
        assert (
            "Last name: it contains characters that are not text; please type it again. "
            "Nothing was saved."
        ) in texts(reply.cards[0])
        assert counters["create"].total == creates_before
        assert await bot.hubspot_local.store.count() == 0
        # Typed, in Korean, and in a search: the same answer, naming the field.
        ko = Conversation(bot, channel, locale="ko-KR")
        await ko.start()
        (reply,) = await ko.say("연락처 추가 김민수 minsu\udc00@hanbit.kr")
        shown = " ".join(texts(reply.cards[0])) if reply.cards else reply.text
        assert "글자가 아닌 문자가 들어 있어요" in shown and "아무것도 저장하지 않았어요" in shown
        searches_before = counters["search"].total
        (reply,) = await chat.say("find company Acme\ud800")
        assert "it contains characters that are not text" in reply.text
        assert counters["search"].total == searches_before
        assert await bot.hubspot_local.store.count() == 0
