"""Context across turns (issue 24): the conversation remembers whom it is talking about.

After a search with one result, a create, a pick or a confirmation, "her", "그분", "the first
one" or no name at all mean that contact; with several in focus the bot asks which; with none
it asks and keeps the change. Changes to one contact gather on one confirmation; a change to
another contact waits until the first is saved or dropped. Every case asserts what the user
sees and what HubSpot holds: nothing is written before Confirm, nothing asked for is lost.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.support.botapp import (
    Conversation,
    action_data,
    card_nodes,
    running_app,
    submit_actions,
    test_settings,
)
from tests.support.cardread import facts, heading, texts

JENNIFER = {
    "firstname": "Jennifer",
    "lastname": "Taylor",
    "email": "jennifer.taylor@soylent.com",
    "company": "Soylent",
    "jobtitle": "Buyer",
}
MARCUS = {
    "firstname": "Marcus",
    "lastname": "Taylor",
    "email": "marcus.taylor@initech.com",
    "company": "Initech",
}
BOB = {"firstname": "Bob", "lastname": "Lee", "email": "bob.lee@contoso.com", "company": "Contoso"}
MINJUN = {
    "firstname": "민준",
    "lastname": "김",
    "email": "minjun.kim@kakao.com",
    "company": "네이버",
}


@dataclass(frozen=True)
class Followup:
    """Find one contact, then change it by a reference in the next line."""

    locale: str
    person: dict[str, str]
    find: str
    change: str
    field: str  # the HubSpot property the change sets
    stored: str  # what HubSpot holds after Confirm
    confirm: str  # the Confirm button's title


FOLLOWUPS = [
    Followup(
        "en-US",
        JENNIFER,
        "find jennifer.taylor@soylent.com",
        "change her company to Acme",
        "company",
        "Acme",
        "Confirm",
    ),
    Followup(
        "en-US",
        JENNIFER,
        "jennifer.taylor@soylent.com",
        "change the job title to VP Sales",
        "jobtitle",
        "VP Sales",
        "Confirm",
    ),
    Followup(
        "en-US",
        JENNIFER,
        "search jennifer.taylor@soylent.com",
        "update this one title Head of Purchasing",
        "jobtitle",
        "Head of Purchasing",
        "Confirm",
    ),
    Followup(
        "ko-KR",
        MINJUN,
        "김민준 찾아줘",
        "그 사람 회사 카카오로 바꿔줘",
        "company",
        "카카오",
        "확인",
    ),
    Followup(
        "ko-KR",
        MINJUN,
        "minjun.kim@kakao.com 찾아줘",
        "그분 직함 이사로 바꿔줘",
        "jobtitle",
        "이사",
        "확인",
    ),
    Followup(
        "ko-KR",
        MINJUN,
        "김민준 찾아줘",
        "이 사람 전화번호 010-2222-3333으로 바꿔줘",
        "phone",
        "+821022223333",
        "확인",
    ),
]


async def _chat(bot, channel, locale="en-US"):
    chat = Conversation(bot, channel, locale=locale)
    await chat.start()
    return chat


def _only_card(replies):
    """The card of the newest message (updates of earlier cards, which end them, left out)."""
    cards = [card for reply in replies if not reply.updated for card in reply.cards]
    assert len(cards) >= 1, [r.text for r in replies]
    return cards[-1]


@pytest.mark.parametrize("case", FOLLOWUPS, ids=lambda c: f"{c.locale}:{c.change}")
async def test_a_reference_changes_the_contact_in_focus(tmp_path, channel, case):
    async with running_app(test_settings(tmp_path)) as bot:
        person = (await bot.contacts.create(case.person)).contact
        chat = await _chat(bot, channel, case.locale)
        found = await chat.say(case.find)
        assert person.display_name in " ".join(texts(_only_card(found)))
        confirm = _only_card(await chat.say(case.change))
        assert person.display_name in heading(confirm), heading(confirm)
        assert len(facts(confirm)) == 1, facts(confirm)
        # Nothing is written on the reference alone: only on Confirm.
        assert (await bot.contacts.get(person.id)).get(case.field) == person.get(case.field)
        await chat.click(action_data(confirm, case.confirm))
        assert (await bot.contacts.get(person.id)).get(case.field) == case.stored


async def test_no_contact_in_focus_asks_which_and_keeps_the_change(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        jennifer = (await bot.contacts.create(JENNIFER)).contact
        chat = await _chat(bot, channel)
        (reply,) = await chat.say("change her company to Acme")
        assert reply.text == "Which contact should I update? Type an email or a name."
        # The answer is the contact: the change asked for goes on to its preview.
        confirm = _only_card(await chat.say("jennifer.taylor@soylent.com"))
        assert heading(confirm) == "Confirm changes to Jennifer Taylor"
        assert facts(confirm) == {"Company": "Soylent → Acme"}
        await chat.click(action_data(confirm, "Confirm"))
        assert (await bot.contacts.get(jennifer.id)).get("company") == "Acme"


async def test_the_find_form_answers_which_contact_too(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        minjun = (await bot.contacts.create(MINJUN)).contact
        chat = await _chat(bot, channel, "ko-KR")
        (reply,) = await chat.say("회사 카카오로 바꿔줘")
        assert reply.text == "어떤 연락처를 수정할까요? 이메일이나 이름을 입력하세요."
        form = reply.cards[0]
        (reply,) = await chat.click({**action_data(form, "찾기"), "query": "minjun.kim@kakao.com"})
        assert facts(reply.cards[0]) == {"회사": "네이버 → 카카오"}
        await chat.click(action_data(reply.cards[0], "확인"))
        assert (await bot.contacts.get(minjun.id)).get("company") == "카카오"


async def test_a_change_with_several_matches_goes_on_after_the_choice(tmp_path, channel):
    """`change Taylor's title to VP Sales` with two Taylors: the choice leads to the preview of
    that title, not to a form that still shows the old one."""
    async with running_app(test_settings(tmp_path)) as bot:
        jennifer = (await bot.contacts.create(JENNIFER)).contact
        marcus = (await bot.contacts.create(MARCUS)).contact
        chat = await _chat(bot, channel)
        pick = _only_card(await chat.say("change Taylor's title to VP Sales"))
        assert {jennifer.display_name, marcus.display_name} <= set(texts(pick))
        rows = [a for a in _rows(pick) if a["contact_id"] == marcus.id]
        confirm = _only_card(await chat.click(rows[0]))
        assert heading(confirm) == "Confirm changes to Marcus Taylor"
        assert facts(confirm) == {"Job title": "(empty) → VP Sales"}
        await chat.click(action_data(confirm, "Confirm"))
        assert (await bot.contacts.get(marcus.id)).get("jobtitle") == "VP Sales"
        assert (await bot.contacts.get(jennifer.id)).get("jobtitle") == "Buyer"


async def test_several_in_focus_ask_which_and_an_ordinal_picks_one(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        await bot.contacts.create(JENNIFER)
        await bot.contacts.create(MARCUS)
        chat = await _chat(bot, channel)
        results = _only_card(await chat.say("search Taylor"))
        shown = [row["contact_id"] for row in _rows(results)]
        assert len(shown) == 2
        # "her" with two contacts on screen is a question, never a guess.
        pick = _only_card(await chat.say("change her title to CEO"))
        assert heading(pick) != "" and "Confirm changes" not in heading(pick)
        # "the second one" is the second row of the list shown.
        confirm = _only_card(await chat.say("update the second one title CEO"))
        second = await bot.contacts.get(shown[1])
        assert heading(confirm) == f"Confirm changes to {second.display_name}"
        await chat.click(action_data(confirm, "Confirm"))
        assert (await bot.contacts.get(shown[1])).get("jobtitle") == "CEO"
        assert (await bot.contacts.get(shown[0])).get("jobtitle") != "CEO"


async def test_two_changes_in_a_row_gather_on_one_confirmation(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        bob = (await bot.contacts.create(BOB)).contact
        chat = await _chat(bot, channel)
        first = _only_card(await chat.say("update Bob Lee company Fabrikam"))
        assert facts(first) == {"Company": "Contoso → Fabrikam"}
        replies = await chat.say("update Bob Lee job title Director")
        confirm = _only_card([r for r in replies if not r.updated])
        assert facts(confirm) == {
            "Company": "Contoso → Fabrikam",
            "Job title": "(empty) → Director",
        }
        await chat.click(action_data(confirm, "Confirm"))
        after = await bot.contacts.get(bob.id)
        assert (after.get("company"), after.get("jobtitle")) == ("Fabrikam", "Director")


async def test_a_change_to_another_contact_waits_for_the_first(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        bob = (await bot.contacts.create(BOB)).contact
        jennifer = (await bot.contacts.create(JENNIFER)).contact
        chat = await _chat(bot, channel)
        await chat.say("update Bob Lee company Fabrikam")
        replies = [r for r in await chat.say("update Jennifer Taylor title CTO") if not r.updated]
        (asked,) = replies
        assert asked.text.startswith("The change to Bob Lee isn't saved yet.")
        assert facts(asked.cards[0]) == {"Company": "Contoso → Fabrikam"}
        # Nothing of either change is written yet.
        assert (await bot.contacts.get(bob.id)).get("company") == "Contoso"
        after_first = [r for r in await chat.click(action_data(asked.cards[0], "Confirm"))]
        assert (await bot.contacts.get(bob.id)).get("company") == "Fabrikam"
        nxt = _only_card([r for r in after_first if not r.updated])
        assert heading(nxt) == "Confirm changes to Jennifer Taylor"
        assert facts(nxt) == {"Job title": "Buyer → CTO"}
        assert (await bot.contacts.get(jennifer.id)).get("jobtitle") == "Buyer"
        await chat.click(action_data(nxt, "Confirm"))
        assert (await bot.contacts.get(jennifer.id)).get("jobtitle") == "CTO"


async def test_dropping_the_first_change_still_shows_the_second(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        bob = (await bot.contacts.create(BOB)).contact
        jennifer = (await bot.contacts.create(JENNIFER)).contact
        chat = await _chat(bot, channel, "ko-KR")
        await chat.say("Bob Lee 회사 Fabrikam으로 바꿔줘")
        (asked,) = [r for r in await chat.say("Jennifer Taylor 직함 CTO로 바꿔줘") if not r.updated]
        assert asked.text.startswith("Bob Lee 님의 변경은 아직 저장하지 않았어요.")
        replies = await chat.say("취소")
        nxt = _only_card([r for r in replies if not r.updated])
        assert facts(nxt) == {"직함": "Buyer → CTO"}
        await chat.say("네")
        assert (await bot.contacts.get(bob.id)).get("company") == "Contoso"
        assert (await bot.contacts.get(jennifer.id)).get("jobtitle") == "CTO"


async def test_the_update_form_keeps_every_edit_and_names_every_bad_value(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        bob = (await bot.contacts.create(BOB)).contact
        chat = await _chat(bot, channel)
        (reply,) = await chat.say("update bob.lee@contoso.com")
        form = reply.cards[0]
        (reply,) = await chat.click(
            {
                **action_data(form, "Review changes"),
                **_inputs(form),
                "company": "Globex",
                "email": "bob.lee@contoso",
                "phone": "12",
            }
        )
        again = _inputs(reply.cards[0])
        assert (again["company"], again["email"], again["phone"]) == (
            "Globex",
            "bob.lee@contoso",
            "12",
        )
        said = " ".join(texts(reply.cards[0]))
        assert (
            "Email: not a valid email address. Phone: not a valid phone number "
            "(include the country code, e.g. +82). Nothing was saved."
        ) in said
        (reply,) = await chat.click(
            {
                **action_data(reply.cards[0], "Review changes"),
                **again,
                "email": "bob.lee@globex.com",
                "phone": "+1 415 555 0142",
            }
        )
        confirm = reply.cards[0]
        assert facts(confirm) == {
            "Email": "bob.lee@contoso.com → bob.lee@globex.com",
            "Phone": "(empty) → +1 415-555-0142",
            "Company": "Contoso → Globex",
        }
        await chat.click(action_data(confirm, "Confirm"))
        after = await bot.contacts.get(bob.id)
        assert (after.get("company"), after.get("email")) == ("Globex", "bob.lee@globex.com")


def _rows(card):
    """The data of every "choose this contact" button, in the order shown."""
    return [
        dict(a["data"]) for a in submit_actions(card) if (a.get("data") or {}).get("contact_id")
    ]


def _inputs(card):
    return {
        node["id"]: node.get("value") or ""
        for node in card_nodes(card)
        if node.get("type") == "Input.Text"
    }
