"""Typed commands in guided mode (no model), English and Korean, end to end: what the user sees
and what HubSpot holds afterwards."""

from __future__ import annotations

import pytest

from tests.support.botapp import Conversation, action_data, running_app, test_settings
from tests.support.cardread import facts, heading


@pytest.fixture
async def app(tmp_path):
    async with running_app(test_settings(tmp_path)) as bot:
        await bot.contacts.create(
            {
                "firstname": "Jane",
                "lastname": "Doe",
                "email": "jane@acme.com",
                "company": "Acme",
                "phone": "+14155550100",
            }
        )
        await bot.contacts.create(
            {
                "firstname": "민수",
                "lastname": "김",
                "email": "minsu@hanbit.kr",
                "company": "Hanbit",
            },
            region="KR",
        )
        await bot.contacts.create(
            {
                "firstname": "Grace",
                "lastname": "Moore",
                "email": "grace@samsungcnt.com",
                "company": "삼성물산",
                "phone": "+82 51 356 3621",
            }
        )
        yield bot


SEARCHES = [
    ("en-US", "find jane@acme.com", "Found 1 matching contact.", "Jane Doe"),
    ("en-US", "search Acme", "Found 1 matching contact.", "Jane Doe"),
    ("en-US", "jane@acme.com", "Found 1 matching contact.", "Jane Doe"),
    ("ko-KR", "김민수 찾아줘", "일치하는 연락처 1개를 찾았어요.", "민수"),
    # Typed in Korean from an English client: the answer is in Korean.
    ("en-US", "김민수 찾아줘", "일치하는 연락처 1개를 찾았어요.", "민수"),
    ("en-US", "find nobody@nowhere.example", "No contact matched your search.", None),
    # Found by using the bot as its users do.
    ("ko-KR", "삼성물산 찾아줘", "일치하는 연락처 1개를 찾았어요.", "Grace Moore"),  # a company
    ("ko-KR", "삼성 검색", "일치하는 연락처 1개를 찾았어요.", "Grace Moore"),  # part of one
    ("ko-KR", "민수 찾아줘", "일치하는 연락처 1개를 찾았어요.", "minsu@hanbit.kr"),
    ("ko-KR", "김민수", "일치하는 연락처 1개를 찾았어요.", "minsu@hanbit.kr"),
    ("ko-KR", "051-356-3621 검색", "일치하는 연락처 1개를 찾았어요.", "Grace Moore"),
    ("en-US", "find 051-356-3621", "Found 1 matching contact.", "Grace Moore"),
    ("en-US", "Jane Doe", "Found 1 matching contact.", "Jane Doe"),
    ("en-US", "who works at Acme?", "Found 1 matching contact.", "Jane Doe"),
    ("en-US", "show me everyone at Acme", "Found 1 matching contact.", "Jane Doe"),
    ("en-US", "@acme.com", "Found 1 matching contact.", "Jane Doe"),
    ("en-US", "serch jane", "Found 1 matching contact.", "Jane Doe"),
    ("en-US", "could you please find Jane Doe?", "Found 1 matching contact.", "Jane Doe"),
]


@pytest.mark.parametrize("locale,typed,said,shown", SEARCHES)
async def test_typed_search(app, channel, locale, typed, said, shown):
    chat = Conversation(app, channel, locale=locale)
    await chat.start()
    (reply,) = await chat.say(typed)
    assert reply.text == said
    if shown:
        assert shown in str(reply.cards[0])
        assert ("1–1" not in str(reply.cards[0])) or "1–1" in shown  # "Showing 1 of 1"


CREATES = [
    (
        "en-US",
        "add Ann Lee ann@globex.com Globex",
        "ann@globex.com",
        {"firstname": "Ann", "lastname": "Lee", "company": "Globex"},
        "Created the contact Ann Lee.",
    ),
    (
        "ko-KR",
        "이서연 seoyeon@hanbit.kr 010-1234-5678 등록해줘",
        "seoyeon@hanbit.kr",
        {"firstname": "서연", "lastname": "이", "phone": "+821012345678"},
        "연락처를 만들었어요: 이서연",
    ),
    (
        "en-US",
        "add contact Ann Roe, ann@acme.com, Acme, CTO",
        "ann@acme.com",
        {"firstname": "Ann", "lastname": "Roe", "company": "Acme", "jobtitle": "CTO"},
        "Created the contact Ann Roe.",
    ),
    (
        "ko-KR",
        "연락처 추가 박지성 jisung@hanbit.kr 한빛소프트 과장",
        "jisung@hanbit.kr",
        {"firstname": "지성", "lastname": "박", "company": "한빛소프트", "jobtitle": "과장"},
        "연락처를 만들었어요: 박지성",
    ),
]


@pytest.mark.parametrize("locale,typed,email,expected,said", CREATES)
async def test_typed_create(app, channel, locale, typed, email, expected, said):
    chat = Conversation(app, channel, locale=locale)
    await chat.start()
    replies = await chat.say(typed)
    stored = await app.contacts.find_by_email(email)
    assert stored is not None
    assert {k: stored.get(k) for k in expected} == expected
    assert replies[0].text == said


async def test_typed_create_of_an_existing_email_is_a_duplicate(app, channel):
    chat = Conversation(app, channel)
    await chat.start()
    (reply,) = await chat.say("add Janet jane@acme.com")
    assert "already exists" in reply.text
    assert (await app.contacts.find_by_email("jane@acme.com")).get("firstname") == "Jane"


@pytest.mark.parametrize(
    "locale,typed,confirm",
    [
        ("en-US", "change phone of jane@acme.com to +1 415 555 0199", "Confirm"),
        ("ko-KR", "jane@acme.com 전화번호 +1 415 555 0199로 변경", "확인"),
        ("en-US", "update Jane Doe's phone to +1 415 555 0199", "Confirm"),
        ("en-US", "updat jane@acme.com phone +1 415 555 0199", "Confirm"),
        ("en-US", "could you please change jane@acme.com phone to +1 415 555 0199", "Confirm"),
    ],
)
async def test_typed_update_uses_the_same_confirmation(app, channel, locale, typed, confirm):
    chat = Conversation(app, channel, locale=locale)
    await chat.start()
    (reply,) = await chat.say(typed)
    card = reply.cards[0]
    assert any("+1 415-555-0100 → +1 415-555-0199" in v for v in facts(card).values())
    jane = await app.contacts.find_by_email("jane@acme.com")
    assert jane.get("phone") == "+14155550100"  # nothing before Confirm
    (reply,) = await chat.click(action_data(card, confirm))
    assert (await app.contacts.find_by_email("jane@acme.com")).get("phone") == "+14155550199"


async def test_update_without_details_asks_which_contact(app, channel):
    chat = Conversation(app, channel)
    await chat.start()
    (reply,) = await chat.say("update")
    assert reply.text == "Which contact should I update? Type an email or a name."
    (reply,) = await chat.say("update jane@acme.com")
    assert heading(reply.cards[0]) == "Update Jane Doe"


@pytest.mark.parametrize(
    "locale,typed,title,intro",
    [
        ("en-US", "help", "What I can do", ""),
        ("ko-KR", "도움말", "사용 방법", ""),
        (
            "en-US",
            "could you maybe tell me who works where",
            "What I can do",
            "I didn't understand that. Here is what I can do:",
        ),
        ("en-US", "hi", "What I can do", "Hi! Here is what I can do:"),
        ("ko-KR", "안녕하세요", "사용 방법", "안녕하세요! 이렇게 사용할 수 있어요:"),
        ("en-US", "what can you do?", "What I can do", ""),
        ("ko-KR", "뭐 할 수 있어?", "사용 방법", ""),
    ],
)
async def test_help_and_not_understood(app, channel, locale, typed, title, intro):
    chat = Conversation(app, channel, locale=locale)
    await chat.start()
    (reply,) = await chat.say(typed)
    assert reply.text == intro
    card = reply.cards[0]
    assert heading(card) == title
    assert "OPENAI_API_KEY" in str(card)  # free-form requests need a key
    assert len([a for a in card["actions"] if a["type"] == "Action.Submit"]) == 3


@pytest.mark.parametrize(
    "locale,typed,said",
    [
        ("en-US", "thanks!", "You're welcome! Type **help** whenever you need me."),
        ("ko-KR", "고마워요", "천만에요! 필요할 때 언제든 **도움말**을 입력하세요."),
    ],
)
async def test_thanks_gets_a_short_answer(app, channel, locale, typed, said):
    chat = Conversation(app, channel, locale=locale)
    await chat.start()
    (reply,) = await chat.say(typed)
    assert reply.text == said
    assert reply.cards == []


@pytest.mark.parametrize("conversation_type", ["channel", "groupChat"])
async def test_in_channels_and_group_chats_only_a_mention_is_answered(
    app, channel, conversation_type
):
    from tests.support import activities as act

    cid = f"19:test-{conversation_type}@thread.tacv2"
    plain = act.teams_channel_message(
        cid,
        channel.service_url,
        "find jane@acme.com",
        mention=False,
        conversation_type=conversation_type,
    )
    assert (await app.post(plain)).status in (200, 201)
    assert channel.messages(cid) == []
    mentioned = act.teams_channel_message(
        cid, channel.service_url, "find jane@acme.com", conversation_type=conversation_type
    )
    assert (await app.post(mentioned)).status in (200, 201)
    (reply,) = channel.messages(cid)
    assert reply.text == "Found 1 matching contact."
    assert "Jane Doe" in str(reply.cards[0])
