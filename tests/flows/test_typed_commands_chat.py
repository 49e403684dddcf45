"""Typed commands in guided mode (no model), English and Korean, end to end: what the user sees
and what HubSpot holds afterwards."""

from __future__ import annotations

import pytest

import cards
from contacts.model import SearchCriteria
from tests.support.botapp import (
    Conversation,
    action_data,
    card_nodes,
    running_app,
    submit_actions,
    test_settings,
)
from tests.support.cardread import facts, heading, texts


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
    ("en-US", "find jane@acme.com", "Showing 1 of 1", "Jane Doe"),
    ("en-US", "search Acme", "Showing 1 of 1", "Jane Doe"),
    ("en-US", "jane@acme.com", "Showing 1 of 1", "Jane Doe"),
    ("ko-KR", "김민수 찾아줘", "전체 1개 중 1번째", "민수"),
    # Typed in Korean from an English client: the answer is in Korean.
    ("en-US", "김민수 찾아줘", "전체 1개 중 1번째", "민수"),
    ("en-US", "find nobody@nowhere.example", "No contacts found for nobody@nowhere.example.", None),
    ("ko-KR", "이하늘찾아줘", "찾는 연락처가 없어요: 이하늘", None),
    # Found by using the bot as its users do.
    ("ko-KR", "삼성물산 찾아줘", "전체 1개 중 1번째", "Grace Moore"),  # a company
    ("ko-KR", "삼성 검색", "전체 1개 중 1번째", "Grace Moore"),  # part of one
    ("ko-KR", "민수 찾아줘", "전체 1개 중 1번째", "minsu@hanbit.kr"),
    ("ko-KR", "김민수", "전체 1개 중 1번째", "minsu@hanbit.kr"),
    ("ko-KR", "051-356-3621 검색", "전체 1개 중 1번째", "Grace Moore"),
    ("en-US", "find 051-356-3621", "Showing 1 of 1", "Grace Moore"),
    ("en-US", "Jane Doe", "Showing 1 of 1", "Jane Doe"),
    ("en-US", "who works at Acme?", "Showing 1 of 1", "Jane Doe"),
    ("en-US", "show me everyone at Acme", "Showing 1 of 1", "Jane Doe"),
    ("en-US", "@acme.com", "Showing 1 of 1", "Jane Doe"),
    ("en-US", "serch jane", "Showing 1 of 1", "Jane Doe"),
    ("en-US", "could you please find Jane Doe?", "Showing 1 of 1", "Jane Doe"),
    # Questions, filler and Korean as people type it.
    ("en-US", "anyone from Acme in our CRM?", "Showing 1 of 1", "Jane Doe"),
    ("en-US", "who owns the number +1 415 555 0100?", "Showing 1 of 1", "Jane Doe"),
    ("ko-KR", "김민수님찾아주세요", "전체 1개 중 1번째", "minsu@hanbit.kr"),
    ("ko-KR", "김민수 찿아줘", "전체 1개 중 1번째", "minsu@hanbit.kr"),
    ("ko-KR", "Hanbit 쪽 담당자 있어?", "전체 1개 중 1번째", "minsu@hanbit.kr"),
    ("ko-KR", "삼성 담당자 알려줘", "전체 1개 중 1번째", "Grace Moore"),
]


@pytest.mark.parametrize("locale,typed,said,shown", SEARCHES)
async def test_typed_search(app, channel, locale, typed, said, shown):
    chat = Conversation(app, channel, locale=locale)
    await chat.start()
    (reply,) = await chat.say(typed)
    if shown:  # found: the card counts them, no line above it does
        assert reply.text == "" and said in texts(reply.cards[0])
    else:  # none: the line says so, the card only offers what next
        assert reply.text == said and said not in texts(reply.cards[0])
    if shown:
        assert shown in str(reply.cards[0])
        assert ("1–1" not in str(reply.cards[0])) or "1–1" in shown  # "Showing 1 of 1"


CREATES = [
    (
        "en-US",
        "add Ann Lee ann@globex.com Globex",
        "ann@globex.com",
        {"firstname": "Ann", "lastname": "Lee", "company": "Globex"},
        "Ann Lee",
    ),
    (
        "ko-KR",
        "이서연 seoyeon@hanbit.kr 010-1234-5678 등록해줘",
        "seoyeon@hanbit.kr",
        {"firstname": "서연", "lastname": "이", "phone": "+821012345678"},
        "이서연",
    ),
    (
        "en-US",
        "add contact Ann Roe, ann@acme.com, Acme, CTO",
        "ann@acme.com",
        {"firstname": "Ann", "lastname": "Roe", "company": "Acme", "jobtitle": "CTO"},
        "Ann Roe",
    ),
    (
        "en-US",
        "add Sean O'Neil sean@oneils.ie, Acme (Korea), Inc.",
        "sean@oneils.ie",
        {"firstname": "Sean", "lastname": "O'Neil", "company": "Acme (Korea), Inc."},
        "Sean O'Neil",
    ),
    (
        "ko-KR",
        "신규 고객 최수영 sooyoung@sk.com SK텔레콤 등록해줘",
        "sooyoung@sk.com",
        {"firstname": "수영", "lastname": "최", "company": "SK텔레콤"},
        "최수영",
    ),
    (
        "ko-KR",
        "연락처 추가 박지성 jisung@hanbit.kr 한빛소프트 과장",
        "jisung@hanbit.kr",
        {"firstname": "지성", "lastname": "박", "company": "한빛소프트", "jobtitle": "과장"},
        "박지성",
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
    card = replies[0].cards[0]  # the card says it, no line above it
    assert replies[0].text == "" and heading(card) in ("Contact created", "연락처를 만들었어요")
    assert said in texts(card)


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
    await chat.click(action_data(card, confirm))
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
        ("en-US", "hi", "What I can do", "Hi! Here is what I can do:"),
        ("ko-KR", "안녕하세요", "사용 방법", "안녕하세요! 이렇게 사용할 수 있어요:"),
        ("en-US", "what can you do?", "What I can do", ""),
        ("ko-KR", "뭐 할 수 있어?", "사용 방법", ""),
    ],
)
async def test_help(app, channel, locale, typed, title, intro):
    chat = Conversation(app, channel, locale=locale)
    await chat.start()
    (reply,) = await chat.say(typed)
    assert reply.text == intro
    card = reply.cards[0]
    assert heading(card) == title
    assert "OPENAI_API_KEY" not in str(card)  # the help card speaks to users, not operators
    assert "not switched on here" in str(card) or "켜져 있지 않아서" in str(card)
    examples = [n for n in card_nodes(card) if n.get("type") == "TextRun" and "@" in n["text"]]
    assert examples  # example emails are TextRuns: never markdown, never links
    assert len([a for a in card["actions"] if a["type"] == "Action.Submit"]) == 3


@pytest.mark.parametrize(
    "locale,typed,said",
    [
        (
            "en-US",
            "could you maybe tell me who works where",
            "I didn't get that. Press a button, or type **help** for examples.",
        ),
        ("ko-KR", "ㅋㅋㅋ", "잘 모르겠어요. 버튼을 누르거나 **도움말**을 입력해 예시를 보세요."),
    ],
)
async def test_not_understood_is_short_with_the_three_buttons(app, channel, locale, typed, said):
    chat = Conversation(app, channel, locale=locale)
    await chat.start()
    (reply,) = await chat.say(typed)
    assert reply.text == said
    (card,) = reply.cards
    assert [a["title"] for a in submit_actions(card)] == [
        cards.ui(chat_lang(locale), key) for key in ("btn_search", "btn_create", "btn_update")
    ]
    assert not [n for n in card_nodes(card) if n.get("type") == "TextRun"]  # no examples


@pytest.mark.parametrize(
    "locale,typed,said",
    [
        ("en-US", "delete jane@acme.com", "I can't delete contacts here"),
        ("en-US", "merge the two Jane Does", "I can't merge contacts here"),
        ("en-US", "export everyone at Acme to csv", "I can't export contacts here"),
        ("en-US", "send an email to jane@acme.com", "I can't send emails"),
        ("en-US", "show the deals for Acme", "I only work with contacts, not deals"),
        ("en-US", "add a note to Jane Doe", "I can't add or read notes"),
        ("ko-KR", "김민수 삭제해줘", "여기서는 연락처를 삭제할 수 없어요"),
        ("ko-KR", "연락처 엑셀로 내보내기", "여기서는 연락처를 내보낼 수 없어요"),
    ],
)
async def test_unsupported_requests_say_what_the_bot_does_instead(
    app, channel, locale, typed, said
):
    chat = Conversation(app, channel, locale=locale)
    await chat.start()
    (reply,) = await chat.say(typed)
    assert reply.text.startswith(said)
    assert reply.cards == []
    assert (await app.contacts.find_by_email("jane@acme.com")) is not None


def chat_lang(locale: str) -> str:
    return "ko" if locale.startswith("ko") else "en"


@pytest.mark.parametrize(
    "locale,typed,answer,phone",
    [
        ("en-US", "change phone of jane@acme.com to +1 415 555 0199", "yes", "+14155550199"),
        (
            "en-US",
            "change phone of jane@acme.com to +1 415 555 0199",
            "ok, go ahead",
            "+14155550199",
        ),
        ("en-US", "change phone of jane@acme.com to +1 415 555 0199", "cancel", "+14155550100"),
        ("ko-KR", "jane@acme.com 전화번호 +1 415 555 0199로 변경", "네", "+14155550199"),
        ("ko-KR", "jane@acme.com 전화번호 +1 415 555 0199로 변경", "확인", "+14155550199"),
        ("ko-KR", "jane@acme.com 전화번호 +1 415 555 0199로 변경", "취소", "+14155550100"),
        ("ko-KR", "jane@acme.com 전화번호 +1 415 555 0199로 변경", "아니요", "+14155550100"),
    ],
)
async def test_typed_answer_to_the_waiting_card(app, channel, locale, typed, answer, phone):
    """A typed yes / 네 / 확인 or cancel / 취소 / 아니요 does what the card's button does."""
    chat = Conversation(app, channel, locale=locale)
    await chat.start()
    (reply,) = await chat.say(typed)
    assert reply.cards[0]["actions"]  # the confirmation card is waiting
    reply, ended = await chat.say(answer)
    stored = await app.contacts.find_by_email("jane@acme.com")
    assert stored.get("phone") == phone
    saved = phone != "+14155550100"
    expected = {
        ("en", True): "Contact updated",  # the updated card's headline
        ("en", False): "Update cancelled. Nothing was changed.",
        ("ko", True): "연락처를 수정했어요",
        ("ko", False): "수정을 취소했어요. 아무것도 바뀌지 않았어요.",
    }[chat_lang(locale), saved]
    assert (heading(reply.cards[0]) if saved else reply.text) == expected
    assert ended.updated and not ended.cards[0].get("actions")  # the card ended in place
    (reply,) = await chat.say(answer)  # nothing is waiting any more
    assert reply.text in (
        "There is no change waiting for your confirmation.",
        "확인을 기다리는 변경이 없어요.",
    )
    assert (await app.contacts.find_by_email("jane@acme.com")).get("phone") == phone


async def test_typed_yes_answers_the_newest_card(app, channel):
    """Two changes to two contacts: the first is not dropped (issue 24) but shown again and
    asked about first; a typed yes answers the card shown last, then the second is asked."""
    chat = Conversation(app, channel)
    await chat.start()
    await chat.say("change jane@acme.com company to Globex")
    (asked,) = [
        r for r in await chat.say("change minsu@hanbit.kr company to Initech") if not r.updated
    ]
    assert asked.text.startswith("The change to Jane Doe isn't saved yet.")
    saved, following = [r for r in await chat.say("yes") if not r.updated]
    assert heading(saved.cards[0]) == "Contact updated" and "Jane Doe" in texts(saved.cards[0])
    assert heading(following.cards[0]) == "Confirm changes to 김민수"
    assert (await app.contacts.find_by_email("jane@acme.com")).get("company") == "Globex"
    assert (await app.contacts.find_by_email("minsu@hanbit.kr")).get("company") != "Initech"
    reply, ended = await chat.say("yes")
    assert heading(reply.cards[0]) == "Contact updated" and "김민수" in texts(reply.cards[0])
    assert ended.updated and not ended.cards[0].get("actions")
    assert (await app.contacts.find_by_email("minsu@hanbit.kr")).get("company") == "Initech"


async def test_a_name_only_create_asks_before_writing(app, channel):
    chat = Conversation(app, channel)
    await chat.start()
    replies = await chat.say("add Jane Doe")
    assert replies[0].text.startswith("1 contact(s) named Jane Doe are already in HubSpot")
    assert "jane@acme.com" in str(replies[0].cards[0])  # the one already there
    form = replies[1].cards[0]
    values = {n["id"]: n.get("value") for n in card_nodes(form) if n.get("type") == "Input.Text"}
    assert values["firstname"] == "Jane" and values["lastname"] == "Doe"
    page = await app.contacts.search(SearchCriteria(name="Jane Doe"))
    assert page.total == 1  # nothing written
    reply, replaced = await chat.say("add ben")
    assert reply.text == "Check the details and press Create; nothing is saved yet."
    assert replaced.updated and replaced.id == replies[1].id  # the Jane Doe form ended
    assert (await app.contacts.search(SearchCriteria(name="ben"))).results == []


async def test_a_create_that_begins_with_new_customer_stores_no_such_name(app, channel):
    chat = Conversation(app, channel, locale="ko-KR")
    await chat.start()
    (reply, *_) = await chat.say("신규 고객 김하나 hana@kakao.com 등록")
    assert heading(reply.cards[0]) == "연락처를 만들었어요" and "김하나" in texts(reply.cards[0])
    stored = await app.contacts.find_by_email("hana@kakao.com")
    assert (stored.get("lastname"), stored.get("firstname")) == ("김", "하나")
    assert "신규" not in str(stored.properties) and "고객" not in str(stored.properties)


async def test_korean_forms_ask_the_family_name_first_and_show_domestic_numbers(app, channel):
    chat = Conversation(app, channel, locale="ko-KR")
    await chat.start()
    (reply,) = await chat.say("연락처 등록하고 싶어요")
    inputs = [n for n in card_nodes(reply.cards[0]) if n.get("type") == "Input.Text"]
    ids = [n["id"] for n in inputs]
    assert ids.index("lastname") < ids.index("firstname")
    assert {n["id"]: n.get("placeholder") for n in inputs}["phone"] == "02-1234-5678"
    (reply,) = await chat.say("Grace Moore 찾아줘")
    assert "051-356-3621" in str(reply.cards[0])  # stored as +82513563621
    english = Conversation(app, channel, locale="en-US")
    await english.start()
    (reply,) = await english.say("add a contact")
    inputs = [n for n in card_nodes(reply.cards[0]) if n.get("type") == "Input.Text"]
    assert [n["id"] for n in inputs][:2] == ["firstname", "lastname"]
    assert {n["id"]: n.get("placeholder") for n in inputs}["phone"] == "+1 415 555 0100"
    (reply,) = await english.say("find Grace Moore")
    assert "+82 51-356-3621" in str(reply.cards[0])


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
    assert (await app.post(plain)).status in (200, 201, 202)
    assert channel.messages(cid) == []
    mentioned = act.teams_channel_message(
        cid, channel.service_url, "find jane@acme.com", conversation_type=conversation_type
    )
    assert (await app.post(mentioned)).status in (200, 201, 202)
    (reply,) = channel.messages(cid)
    assert reply.text == "" and "Showing 1 of 1" in texts(reply.cards[0])
    assert "Jane Doe" in str(reply.cards[0])
