"""A Korean user sees Korean everywhere: welcome, forms, results, confirmations and messages."""

from __future__ import annotations

import re

from tests.support.botapp import Conversation, action_data, running_app, test_settings
from tests.support.cardread import heading, texts

HANGUL = re.compile("[\uac00-\ud7a3]")


def _korean(reply):
    assert not reply.text or HANGUL.search(reply.text), reply.text
    for card in reply.cards:
        assert HANGUL.search(heading(card)), heading(card)
        for action in card.get("actions", []):
            assert HANGUL.search(action["title"]), action["title"]


async def test_korean_conversation_end_to_end(tmp_path, channel):
    async with running_app(test_settings(tmp_path)) as bot:
        chat = Conversation(bot, channel, locale="ko-KR")
        (welcome,) = await chat.start()
        _korean(welcome)
        assert welcome.text.startswith("안녕하세요!")

        # Create with the form.
        (reply,) = await chat.click(action_data(welcome.cards[0], "연락처 만들기"))
        _korean(reply)
        assert [i["label"] for i in reply.cards[0]["body"] if i.get("type") == "Input.Text"][
            :3
        ] == ["성", "이름", "이메일"]  # family name first
        (reply, ended) = await chat.click(
            {
                **action_data(reply.cards[0], "만들기"),
                "firstname": "민수",
                "lastname": "김",
                "email": "minsu@hanbit.kr",
                "phone": "010-1234-5678",
            }
        )
        _korean(reply)
        assert heading(reply.cards[0]) == "연락처를 만들었어요"
        assert "김민수" in texts(reply.cards[0])  # family name first, unspaced
        assert texts(ended.cards[0])[-1].startswith("✓ User 님이 김민수 연락처를 만들었어요 · ")
        stored = await bot.contacts.find_by_email("minsu@hanbit.kr")
        assert stored.get("phone") == "+821012345678"  # a Korean number without +82

        # Search with the form.
        (reply,) = await chat.click(action_data(welcome.cards[0], "연락처 검색"))
        _korean(reply)
        # The name typed the Korean way: family name first, no space.
        (reply,) = await chat.click({**action_data(reply.cards[0], "검색"), "name": "김민수"})
        _korean(reply)
        assert reply.text == ""  # the card says how many
        assert "전체 1개 중 1번째" in str(reply.cards[0])

        # Update, preview, confirm.
        (reply,) = await chat.click(action_data(reply.cards[0], "수정"))
        _korean(reply)
        form = reply.cards[0]
        (reply,) = await chat.click({**action_data(form, "변경 내용 확인"), "company": "한빛"})
        _korean(reply)
        assert "확인을 눌러야 저장돼요." in texts(reply.cards[0])
        (reply, ended) = await chat.click(action_data(reply.cards[0], "확인"))
        assert texts(ended.cards[0])[-1].startswith("✓ User 님이 저장했어요 · ")
        _korean(reply)
        assert (await bot.contacts.get(stored.id)).get("company") == "한빛"

        # Errors are Korean too.
        (reply,) = await chat.click({"action": "update_pick", "contact_id": "999999"})
        assert reply.text == "일치하는 연락처를 찾지 못했어요: 999999"
        (reply,) = await chat.click({"action": "nope"})
        assert reply.text.startswith("카드에서 보낸 내용을 이해하지 못했어요")


async def test_a_click_follows_the_cards_language_and_a_typed_line_its_own(tmp_path, channel):
    """The client's locale no longer switches the language: a button answers in its card's
    language (issue 26), a typed line in the language it is written in."""
    async with running_app(test_settings(tmp_path)) as bot:
        chat = Conversation(bot, channel, locale="en-US")
        (welcome,) = await chat.start()
        assert welcome.text.startswith("Hi!")
        chat.locale = "ko-KR"
        (reply,) = await chat.click(action_data(welcome.cards[0], "Search contacts"))
        assert reply.text.startswith("Search contacts")
        (reply,) = await chat.say("연락처 검색")
        assert HANGUL.search(reply.text or heading(reply.cards[0]))
