"""Every card the bot sends over HTTP is a valid Adaptive Card 1.5. This test walks every flow
(both languages) and checks each card as it arrives; tests/conftest.py additionally checks every
card any test's channel received, at the end of the session."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.botapp import Conversation, action_data, running_app, test_settings
from tests.support.cardschema import card_problems
from tests.support.channel import SESSION_CARDS

LABELS = {
    "en": {
        "search": "Search contacts",
        "create": "Create contact",
        "update": "Update contact",
        "go": "Search",
        "make": "Create",
        "find": "Find",
        "pick": "Choose",
        "review": "Review changes",
        "confirm": "Confirm",
        "more": "More results",
    },
    "ko": {
        "search": "연락처 검색",
        "create": "연락처 만들기",
        "update": "연락처 수정",
        "go": "검색",
        "make": "만들기",
        "find": "찾기",
        "pick": "선택",
        "review": "변경 내용 확인",
        "confirm": "확인",
        "more": "결과 더 보기",
    },
}


@pytest.mark.parametrize("lang", ["en", "ko"])
async def test_every_card_of_every_flow_is_valid(tmp_path, channel, lang):
    t = LABELS[lang]
    async with running_app(test_settings(tmp_path)) as bot:
        await bot.hubspot_local.store.bulk_insert(
            {
                "firstname": f"Pat{i}",
                "lastname": "Lee",
                "email": f"pat{i}@lee.example",
                "company": 'Lee "}] ${nonce} [x](http://e.test)',
            }
            for i in range(12)
        )
        chat = Conversation(bot, channel, locale="ko-KR" if lang == "ko" else "en-US")
        (welcome,) = await chat.start()
        w = welcome.cards[0]
        sent = [welcome]
        sent += await chat.say("help")
        sent += await chat.say("what is the weather")
        form = await chat.click(action_data(w, t["search"]))
        sent += form
        results = await chat.click({**action_data(form[0].cards[0], t["go"]), "name": "Lee"})
        sent += results
        sent += await chat.click(action_data(results[0].cards[0], t["more"]))
        sent += await chat.click(
            {**action_data(form[0].cards[0], t["go"]), "email": "none@none.example"}
        )
        create = await chat.click(action_data(w, t["create"]))
        sent += create
        make = action_data(create[0].cards[0], t["make"])
        sent += await chat.click({**make, "firstname": "Pat0", "email": "pat0@lee.example"})
        # That form ended (a used card does not act again): a new one for each try.
        create = await chat.click(action_data(w, t["create"]))
        make = action_data(create[0].cards[0], t["make"])
        again = await chat.click({**make, "firstname": "Zed", "email": "not-an-email"})
        sent += again
        make = action_data(again[0].cards[0], t["make"])  # the form again, in its place
        sent += await chat.click(
            {
                **make,
                "firstname": "Zed",
                "lastname": "Lee",
                "email": "zed@lee.example",
                "phone": "+1 415 555 0100",
            }
        )
        find = await chat.click(action_data(w, t["update"]))
        sent += find
        pick = await chat.click({**action_data(find[0].cards[0], t["find"]), "query": "Pat1"})
        sent += pick
        edit = await chat.click(
            {**action_data(find[0].cards[0], t["find"]), "query": "pat1@lee.example"}
        )
        sent += edit
        confirm = await chat.click(
            {**action_data(edit[0].cards[0], t["review"]), "city": "Seoul", "jobtitle": "x" * 900}
        )
        sent += confirm
        sent += await chat.click(action_data(confirm[0].cards[0], t["confirm"]))
        sent += await chat.click({"action": "start_search", "nonce": "stale"})
        assert await bot.contacts.find_by_email("zed@lee.example") is not None  # walked it all

    cards = [c for r in sent for c in r.cards]
    assert len(cards) >= 17
    for card in cards:
        assert card_problems(card) == [], card["body"][0]
    # The session collector saw them too (it is what checks every other test's cards).
    collected = [card for _, card in SESSION_CARDS]
    assert all(card in collected for card in cards)


def test_the_schema_check_catches_a_broken_card():
    """Guards the checks above and at session end: they do reject an invalid card."""
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [{"type": "TextBlock"}],
    }
    assert card_problems(card)
    card["body"][0]["text"] = "ok"
    assert card_problems(card) == []
    card["actions"] = [{"type": "Action.Submit", "colour": "red"}]
    assert card_problems(card)
