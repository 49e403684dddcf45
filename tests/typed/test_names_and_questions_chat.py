"""Typed lines as people write them, over HTTP with no model: Korean names where a name stands,
the brief's Korean create phrasing, a bare name, and questions (how-to and off-topic). Each test
asserts what the user sees and what HubSpot holds afterwards."""

from __future__ import annotations

from typing import Any

import pytest

from contacts.model import SearchCriteria
from tests.support.botapp import Conversation, card_nodes, running_app, test_settings
from tests.support.cardread import heading, texts

CREATED = ("Contact created", "연락처를 만들었어요")


@pytest.fixture
async def app(tmp_path):
    async with running_app(test_settings(tmp_path)) as bot:
        await bot.contacts.create(
            {
                "firstname": "Jennifer",
                "lastname": "Taylor",
                "email": "jennifer.taylor@soylent.com",
                "company": "Soylent",
            }
        )
        await bot.contacts.create(
            {"firstname": "민준", "lastname": "김", "email": "minjun@hanbit.kr"}, region="KR"
        )
        yield bot


def inputs(card: dict) -> dict[str, str]:
    """What the form's text boxes hold when it is shown."""
    return {n["id"]: n.get("value", "") for n in card_nodes(card) if n.get("type") == "Input.Text"}


async def total(app, **criteria: Any) -> int:
    return (await app.contacts.search(SearchCriteria(**criteria))).total


KOREAN_CREATES = [
    # the help card's own pattern, with a given name that reads as 지우다 (delete)
    ("ko-KR", "새 연락처 추가 한지우 jiwoo.han@example.com 010-4444-6666", "jiwoo.han@example.com",
     {"lastname": "한", "firstname": "지우", "phone": "+821044446666"}),
    # the brief's phrasing: no verb at all
    ("ko-KR", "새 연락처 홍길동 hong@example.com 010-1234-5678", "hong@example.com",
     {"lastname": "홍", "firstname": "길동", "phone": "+821012345678"}),
    # 수정 is "edit": a name here, from an English client too
    ("en-US", "김수정 sujung.kim@example.com 010-1111-2222 등록해줘", "sujung.kim@example.com",
     {"lastname": "김", "firstname": "수정", "phone": "+821011112222"}),
    ("ko-KR", "연락처 추가 최하늘 haneul@example.com 한빛소프트 대리", "haneul@example.com",
     {"lastname": "최", "firstname": "하늘", "company": "한빛소프트", "jobtitle": "대리"}),
    ("en-US", "add 이보람 boram.lee@example.kr 010-2222-3333", "boram.lee@example.kr",
     {"lastname": "이", "firstname": "보람", "phone": "+821022223333"}),
    ("ko-KR", "신규 고객 박지우 jiwoo.park@example.com 등록", "jiwoo.park@example.com",
     {"lastname": "박", "firstname": "지우"}),
    ("ko-KR", "남궁민수 namgung@example.com 02-555-1234 추가해 주세요", "namgung@example.com",
     {"lastname": "남궁", "firstname": "민수", "phone": "+8225551234"}),
]  # fmt: skip


@pytest.mark.parametrize("locale,typed,email,stored", KOREAN_CREATES)
async def test_a_korean_name_that_spells_a_verb_is_created(
    app, channel, locale, typed, email, stored
):
    chat = Conversation(app, channel, locale=locale)
    await chat.start()
    (reply, *_) = await chat.say(typed)
    assert reply.text == "" and heading(reply.cards[0]) == "연락처를 만들었어요"
    assert stored["lastname"] + stored["firstname"] in texts(reply.cards[0])
    contact = await app.contacts.find_by_email(email)
    assert contact is not None
    assert {k: contact.get(k) for k in stored} == stored


async def test_a_korean_name_beside_a_delete_verb_is_still_not_deleted(app, channel):
    """지우 is a name, 삭제 the verb: the answer is that deleting is not done here."""
    chat = Conversation(app, channel, locale="ko-KR")
    await chat.start()
    (reply,) = await chat.say("김민준 삭제해줘")
    assert reply.text.startswith("여기서는 연락처를 삭제할 수 없어요")
    assert await total(app, email="minjun@hanbit.kr") == 1


async def test_a_korean_update_names_the_contact_whose_given_name_is_a_verb(app, channel):
    await app.contacts.create(
        {"firstname": "지우", "lastname": "한", "email": "jiwoo@hanbit.kr", "company": "한빛"},
        region="KR",
    )
    chat = Conversation(app, channel, locale="ko-KR")
    await chat.start()
    (reply,) = await chat.say("한지우 회사 카카오로 수정")
    card = reply.cards[0]
    assert "한빛 → 카카오" in " ".join(texts(card))
    assert (await app.contacts.find_by_email("jiwoo@hanbit.kr")).get("company") == "한빛"


@pytest.mark.parametrize(
    "locale,typed,phone",
    [
        ("ko-KR", "새 연락처 010-7777-8888", "010-7777-8888"),
        ("en-US", "새 연락처 010-7777-8888", "010-7777-8888"),
        ("ko-KR", "신규 고객 010 5555 6666", "010 5555 6666"),
    ],
)
async def test_a_new_contact_with_only_a_number_asks_for_the_rest(
    app, channel, locale, typed, phone
):
    chat = Conversation(app, channel, locale=locale)
    await chat.start()
    (reply,) = await chat.say(typed)
    assert reply.text == "내용을 확인하고 만들기를 눌러 주세요. 아직 저장하지 않았어요."
    form = reply.cards[0]
    assert heading(form) != "검색 결과" and inputs(form)["phone"] == phone
    assert await total(app, phone=phone) == 0  # nothing written


@pytest.mark.parametrize(
    "locale,typed,shown",
    [
        ("en-US", "Taylor", "Jennifer Taylor"),
        ("en-US", "Jennifer Taylor", "Jennifer Taylor"),
        ("en-US", "Taylor?", "Jennifer Taylor"),
        ("ko-KR", "김민준", "minjun@hanbit.kr"),
        ("ko-KR", "Soylent", "Jennifer Taylor"),
    ],
)
async def test_a_bare_name_is_a_search(app, channel, locale, typed, shown):
    chat = Conversation(app, channel, locale=locale)
    await chat.start()
    (reply,) = await chat.say(typed)
    assert reply.text == ""
    assert any(s in " ".join(texts(reply.cards[0])) for s in ("Showing 1 of 1", "전체 1개 중"))
    assert shown in str(reply.cards[0])


HOW_TO = [
    ("en-US", "how do I add a contact?", "What I can do"),
    ("en-US", "what can you do?", "What I can do"),
    ("en-US", "Hi, how can I update someone's job title?", "What I can do"),
    ("en-US", "how does this bot work", "What I can do"),
    ("ko-KR", "연락처 어떻게 추가해?", "사용 방법"),
    ("ko-KR", "어떻게 써요?", "사용 방법"),
    ("ko-KR", "검색은 어떻게 하나요?", "사용 방법"),
    ("ko-KR", "이거 뭐 할 수 있는 거야?", "사용 방법"),
    ("en-US", "연락처 수정하는 방법 알려줘", "사용 방법"),  # Korean from an English client
]


@pytest.mark.parametrize("locale,typed,title", HOW_TO)
async def test_a_how_to_question_gets_the_help_card(app, channel, locale, typed, title):
    chat = Conversation(app, channel, locale=locale)
    await chat.start()
    (reply,) = await chat.say(typed)
    assert heading(reply.cards[0]) == title
    assert await total(app, name="Jennifer Taylor") == 1


async def test_a_how_to_question_about_a_job_the_bot_does_not_do_says_so(app, channel):
    chat = Conversation(app, channel)
    await chat.start()
    (reply,) = await chat.say("how do I delete a contact?")
    assert reply.text.startswith("I can't delete contacts here")
    (reply,) = await chat.say("연락처 어떻게 삭제해?")
    assert reply.text.startswith("여기서는 연락처를 삭제할 수 없어요")
    assert await total(app, name="Jennifer Taylor") == 1


OFF_TOPIC_EN = "I only manage HubSpot contacts, so I can't help with that."
OFF_TOPIC_KO = "저는 HubSpot 연락처만 관리해서 그건 도와드릴 수 없어요."
OFF_TOPIC = [
    ("en-US", "what's the weather in Seoul?", OFF_TOPIC_EN),
    ("en-US", "who won the game last night?", OFF_TOPIC_EN),
    ("en-US", "find me a good restaurant near the office", OFF_TOPIC_EN),
    ("en-US", "why is the sky blue?", OFF_TOPIC_EN),
    ("en-US", "tell me a joke", OFF_TOPIC_EN),
    ("ko-KR", "점심 뭐 먹을까?", OFF_TOPIC_KO),
    ("ko-KR", "오늘 날씨 어때?", OFF_TOPIC_KO),
    ("ko-KR", "어제 야구 누가 이겼어?", OFF_TOPIC_KO),
    ("en-US", "강남역 맛집 추천해줘", OFF_TOPIC_KO),  # Korean from an English client
]


@pytest.mark.parametrize("locale,typed,said", OFF_TOPIC)
async def test_a_question_not_about_contacts_gets_one_line_not_a_search(
    app, channel, locale, typed, said
):
    chat = Conversation(app, channel, locale=locale)
    await chat.start()
    (reply,) = await chat.say(typed)
    assert reply.text.startswith(said)
    assert reply.cards == []  # no results card, no "No contacts found" card


async def test_a_korean_number_from_an_english_client_is_read_as_korean(app, channel):
    """010-... and 02-... are Korean whatever the locale: found, and stored, as +82."""
    await app.contacts.create(
        {"firstname": "Mina", "lastname": "Cho", "email": "mina@hooli.com", "phone": "+8225551234"}
    )
    chat = Conversation(app, channel, locale="en-US")
    await chat.start()
    (reply,) = await chat.say("find 02-555-1234")
    assert "Showing 1 of 1" in texts(reply.cards[0]) and "mina@hooli.com" in str(reply.cards[0])
    (reply, *_) = await chat.say("add Ben Yoo ben.yoo@hooli.com 010-9876-5432")
    assert heading(reply.cards[0]) == "Contact created"
    stored = await app.contacts.find_by_email("ben.yoo@hooli.com")
    assert stored.get("phone") == "+821098765432"
