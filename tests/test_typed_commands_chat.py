"""Typed commands in guided mode (no model), English and Korean, end to end: what the user sees
and what HubSpot holds afterwards."""

from __future__ import annotations

import pytest

from tests.support.botapp import Conversation, action_data, running_app, test_settings


def _facts(card):
    return {f["title"]: f["value"] for el in card["body"] if el.get("type") == "FactSet"
            for f in el["facts"]}


@pytest.fixture
async def app(tmp_path):
    async with running_app(test_settings(tmp_path)) as bot:
        await bot.contacts.create({"firstname": "Jane", "lastname": "Doe",
                                   "email": "jane@acme.com", "company": "Acme",
                                   "phone": "+14155550100"})
        await bot.contacts.create({"firstname": "민수", "lastname": "김",
                                   "email": "minsu@hanbit.kr", "company": "Hanbit"},
                                  region="KR")
        yield bot


SEARCHES = [
    ("en-US", "find jane@acme.com", "Found 1 matching contact.", "Jane Doe"),
    ("en-US", "search Acme", "Found 1 matching contact.", "Jane Doe"),
    ("en-US", "jane@acme.com", "Found 1 matching contact.", "Jane Doe"),
    ("ko-KR", "김민수 찾아줘", "일치하는 연락처 1개를 찾았어요.", "민수"),
    # Typed in Korean from an English client: the answer is in Korean.
    ("en-US", "김민수 찾아줘", "일치하는 연락처 1개를 찾았어요.", "민수"),
    ("en-US", "find nobody@nowhere.example", "No contact matched your search.", None),
]


@pytest.mark.parametrize("locale,typed,said,shown", SEARCHES)
async def test_typed_search(app, channel, locale, typed, said, shown):
    chat = Conversation(app, channel, locale=locale)
    await chat.start()
    (reply,) = await chat.say(typed)
    assert reply.text == said
    if shown:
        assert shown in str(reply.cards[0])


CREATES = [
    ("en-US", "add Ann Lee ann@globex.com Globex", "ann@globex.com",
     {"firstname": "Ann", "lastname": "Lee", "company": "Globex"}, "Created the contact Ann Lee."),
    ("ko-KR", "이서연 seoyeon@hanbit.kr 010-1234-5678 등록해줘", "seoyeon@hanbit.kr",
     {"firstname": "서연", "lastname": "이", "phone": "+821012345678"},
     "연락처를 만들었어요: 서연 이"),
]


@pytest.mark.parametrize("locale,typed,email,expected,said", CREATES)
async def test_typed_create(app, channel, locale, typed, email, expected, said):
    chat = Conversation(app, channel, locale=locale)
    await chat.start()
    replies = await chat.say(typed)
    stored = await app.contacts.find_by_email(email)
    assert stored is not None
    assert {k: stored.get(k) for k in expected} == expected
    assert replies[0].text.startswith(said.split(":")[0])


async def test_typed_create_of_an_existing_email_is_a_duplicate(app, channel):
    chat = Conversation(app, channel)
    await chat.start()
    (reply,) = await chat.say("add Janet jane@acme.com")
    assert "already exists" in reply.text
    assert (await app.contacts.find_by_email("jane@acme.com")).get("firstname") == "Jane"


@pytest.mark.parametrize("locale,typed,confirm", [
    ("en-US", "change phone of jane@acme.com to +1 415 555 0199", "Confirm"),
    ("ko-KR", "jane@acme.com 전화번호 +1 415 555 0199로 변경", "확인"),
])
async def test_typed_update_uses_the_same_confirmation(app, channel, locale, typed, confirm):
    chat = Conversation(app, channel, locale=locale)
    await chat.start()
    (reply,) = await chat.say(typed)
    card = reply.cards[0]
    assert any("+14155550100 → +14155550199" in v for v in _facts(card).values())
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
    assert reply.cards[0]["body"][0]["text"] == "Update Jane Doe"


@pytest.mark.parametrize("locale,typed,title,intro", [
    ("en-US", "help", "What I can do", ""),
    ("ko-KR", "도움말", "사용 방법", ""),
    ("en-US", "could you maybe tell me who works where", "What I can do",
     "I didn't understand that. Here is what I can do:"),
])
async def test_help_and_not_understood(app, channel, locale, typed, title, intro):
    chat = Conversation(app, channel, locale=locale)
    await chat.start()
    (reply,) = await chat.say(typed)
    assert reply.text == intro
    card = reply.cards[0]
    assert card["body"][0]["text"] == title
    assert "OPENAI_API_KEY" in str(card)  # free-form requests need a key
    assert len([a for a in card["actions"] if a["type"] == "Action.Submit"]) == 3


@pytest.mark.parametrize("conversation_type", ["channel", "groupChat"])
async def test_in_channels_and_group_chats_only_a_mention_is_answered(app, channel,
                                                                      conversation_type):
    from tests.support import activities as act

    cid = f"19:test-{conversation_type}@thread.tacv2"
    plain = act.teams_channel_message(cid, channel.service_url, "find jane@acme.com",
                                      mention=False, conversation_type=conversation_type)
    assert (await app.post(plain)).status in (200, 201)
    assert channel.messages(cid) == []
    mentioned = act.teams_channel_message(cid, channel.service_url, "find jane@acme.com",
                                          conversation_type=conversation_type)
    assert (await app.post(mentioned)).status in (200, 201)
    (reply,) = channel.messages(cid)
    assert reply.text == "Found 1 matching contact."
    assert "Jane Doe" in str(reply.cards[0])
