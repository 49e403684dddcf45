"""What a search offers next: the no-results card's "Create contact" opens the create form
filled in with what was just searched (a name split into first and last name, family name
first in Korean; an email; a phone; a company), and nothing is created until the user
presses Create. The search form offers "My contacts" only to a user who is a HubSpot owner.
Real app over HTTP, local HubSpot, the test channel serving Teams' member lookup."""

from __future__ import annotations

import pytest

from tests.support.botapp import (
    Conversation,
    action_data,
    card_nodes,
    running_app,
    submit_actions,
    test_settings,
)
from tests.support.cardread import heading

pytestmark = pytest.mark.timeout(60)

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


def _values(form) -> dict[str, str]:
    """The form's filled-in inputs, by id (what the user sees in each box)."""
    return {
        n["id"]: n["value"]
        for n in card_nodes(form)
        if n.get("type", "").startswith("Input.") and n.get("value")
    }


def _inputs(form) -> list[str]:
    return [n["id"] for n in card_nodes(form) if n.get("type", "").startswith("Input.")]


def _buttons(card) -> list[str]:
    return [a["title"] for a in submit_actions(card)]


async def _count(bot) -> int:
    return await bot.hubspot_local.store.count()


async def test_create_after_a_name_found_nothing_is_filled_in_with_that_name(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        chat = Conversation(bot, channel)
        await chat.start()

        (reply,) = await chat.say("find Zed Quixote")
        assert reply.text == "No contacts found for Zed Quixote."
        (form,) = await chat.click(action_data(reply.cards[0], "Create contact"))
        assert heading(form.cards[0]) == "Create contact"
        assert _values(form.cards[0]) == {"firstname": "Zed", "lastname": "Quixote"}
        assert await _count(bot) == 0  # a form, not a write

        values = _values(form.cards[0])
        (created, *_) = await chat.click(
            {**action_data(form.cards[0], "Create"), **values, "email": "zed@lamancha.example"}
        )
        assert heading(created.cards[0]) == "Contact created"
        zed = await bot.contacts.find_by_email("zed@lamancha.example")
        assert zed is not None
        assert (zed.get("firstname"), zed.get("lastname")) == ("Zed", "Quixote")

        (reply,) = await chat.say("search Marisol")  # one word: free text, taken as a name
        (form,) = await chat.click(action_data(reply.cards[0], "Create contact"))
        assert _values(form.cards[0]) == {"firstname": "Marisol"}


async def test_create_after_a_korean_name_found_nothing_puts_the_family_name_first(
    tmp_path, channel
):
    async with running_app(test_settings(tmp_path)) as bot:
        chat = Conversation(bot, channel, locale="ko-KR")
        await chat.start()

        (reply,) = await chat.say("홍길동 찾아줘")
        assert reply.text == "찾는 연락처가 없어요: 홍길동"
        (form,) = await chat.click(action_data(reply.cards[0], "연락처 만들기"))
        card = form.cards[0]
        assert heading(card) == "연락처 만들기"
        assert _values(card) == {"lastname": "홍", "firstname": "길동"}
        assert _inputs(card).index("lastname") < _inputs(card).index("firstname")

        (reply,) = await chat.say("남궁민수 검색")
        # (the earlier form, never used, ends as replaced by this one)
        (form, *_replaced) = await chat.click(action_data(reply.cards[0], "연락처 만들기"))
        assert _values(form.cards[0]) == {"lastname": "남궁", "firstname": "민수"}

        (reply,) = await chat.say("010-9999-8888 찾아줘")
        (form, *_replaced) = await chat.click(action_data(reply.cards[0], "연락처 만들기"))
        assert _values(form.cards[0]) == {"phone": "010-9999-8888"}
        assert await _count(bot) == 0


async def test_create_after_the_search_form_found_nothing_keeps_each_field(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        chat = Conversation(bot, channel)
        await chat.start()

        (form,) = await chat.say("search")
        (reply,) = await chat.click(
            {
                **action_data(form.cards[0], "Search"),
                "email": "nobody@nowhere.example",
                "company": "Initech",
            }
        )
        assert reply.text == "No contacts found for nobody@nowhere.example, Initech."
        (create,) = await chat.click(action_data(reply.cards[0], "Create contact"))
        assert _values(create.cards[0]) == {
            "email": "nobody@nowhere.example",
            "company": "Initech",
        }

        # Part of an email is not an email: the form leaves that box empty.
        (reply,) = await chat.say("search @nowhere.example")
        (create, *_replaced) = await chat.click(action_data(reply.cards[0], "Create contact"))
        assert _values(create.cards[0]) == {}


async def test_did_you_mean_offers_create_filled_in_too(tmp_path, channel):
    """The user may really mean a new person whose name is close to someone's."""
    async with running_app(test_settings(tmp_path)) as bot:
        await bot.contacts.create(
            {"firstname": "Jennifer", "lastname": "Taylor", "email": "jt@soylent.com"}
        )
        chat = Conversation(bot, channel)
        await chat.start()

        (reply,) = await chat.say("find Jenifer Tailor")
        assert reply.text.endswith("Did you mean Jennifer Taylor?")
        (form,) = await chat.click(action_data(reply.cards[0], "Create contact"))
        assert _values(form.cards[0]) == {"firstname": "Jenifer", "lastname": "Tailor"}
        assert await _count(bot) == 1


async def test_my_contacts_is_offered_only_to_a_hubspot_owner(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        await bot.hubspot_local.controls.owners.add("ann.lee@acme.com", "Ann", "Lee")

        emulator = Conversation(bot, channel)  # no email: no owner
        await emulator.start()
        (form,) = await emulator.say("search")
        assert heading(form.cards[0]) == "Search contacts"
        assert _buttons(form.cards[0]) == ["Search", "Find duplicates"]
        (form,) = await emulator.say("검색")
        assert _buttons(form.cards[0]) == ["검색", "중복 찾기"]

        stranger = Conversation(bot, channel, kind="teams")  # the connector does not know them
        await stranger.start()
        (form,) = await stranger.say("search")
        assert _buttons(form.cards[0]) == ["Search", "Find duplicates"]

        channel.members[TEAMS_USER] = _member("Ann.Lee@acme.com", "Ann Lee")
        lookups = len(channel.member_lookups)
        ann = Conversation(bot, channel, kind="teams")
        await ann.start()
        (form,) = await ann.say("search")
        assert _buttons(form.cards[0]) == ["Search", "My contacts", "Find duplicates"]
        (form,) = await ann.say("search")
        assert _buttons(form.cards[0]) == ["Search", "My contacts", "Find duplicates"]
        # The member lookup is kept per user: one for both forms, not one per form.
        assert channel.member_lookups[lookups:] == [TEAMS_USER]


async def test_a_teams_user_with_no_owner_gets_no_my_contacts(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        await bot.hubspot_local.controls.owners.add("ann.lee@acme.com", "Ann", "Lee")
        channel.members[TEAMS_USER] = _member("carol@acme.com", "Carol Diaz")  # not an owner
        chat = Conversation(bot, channel, kind="teams", locale="ko-KR")
        await chat.start()
        (form,) = await chat.say("연락처 검색")
        assert _buttons(form.cards[0]) == ["검색", "중복 찾기"]
