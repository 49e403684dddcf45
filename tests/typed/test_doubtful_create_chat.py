"""A typed create writes at once only when every value is certain; otherwise the create form
comes back filled in as read, each doubtful value named, and nothing is written. Over HTTP, no
model: what the user sees and what HubSpot holds."""

from __future__ import annotations

import pytest

from tests.support.botapp import (
    Conversation,
    action_data,
    card_nodes,
    running_app,
    test_settings,
)
from tests.support.cardread import heading, texts

CHECK = {
    "en": "Check the details and press Create; nothing is saved yet.",
    "ko": "내용을 확인하고 만들기를 눌러 주세요. 아직 저장하지 않았어요.",
}


@pytest.fixture
async def app(tmp_path):
    async with running_app(test_settings(tmp_path)) as bot:
        yield bot


def inputs(card: dict) -> dict[str, str]:
    return {n["id"]: n.get("value", "") for n in card_nodes(card) if n.get("type") == "Input.Text"}


async def everyone(app) -> int:
    """How many contacts HubSpot holds (the tests start from none)."""
    return await app.hubspot_local.store.count()


DOUBTFUL = [
    (
        "en-US",
        "add Tom Bad tom@bad",
        {"firstname": "Tom", "lastname": "Bad", "email": "tom@bad"},
        ["Email tom@bad: not a valid email address."],
    ),
    (
        "en-US",
        "add Ann Lee ann.lee@initech.com 010-1111-2222 02-333-4444",
        {"firstname": "Ann", "lastname": "Lee", "phone": "010-1111-2222"},
        ["Phone 010-1111-2222: two numbers were given"],
    ),
    (
        "en-US",
        "new contact Jane Roe jane.roe@acme.com 12-34",
        {"firstname": "Jane", "lastname": "Roe", "phone": "12-34"},
        ["Phone 12-34: not a valid phone number"],
    ),
    (
        "en-US",
        "add Sales Manager Tom Cho tom.cho@cho.io",
        {"firstname": "Sales", "lastname": "Manager Tom Cho", "email": "tom.cho@cho.io"},
        ["Name Sales Manager Tom Cho: check that this is the name"],
    ),
    (
        "ko-KR",
        "연락처 추가 카카오 biz@kakao.com",
        {"email": "biz@kakao.com"},
        ["입력한 이름: 카카오 — 이름이 맞는지 확인해 주세요"],
    ),
    (
        "ko-KR",
        "김하나 hana@kakao 등록해줘",
        {"lastname": "김", "firstname": "하나", "email": "hana@kakao"},
        ["입력한 이메일: hana@kakao — 올바른 이메일 주소가 아니에요"],
    ),
    # A pasted signature goes to the paste reader (issue 27): its form says what was read.
    (
        "en-US",
        "add\nBest regards,\nTom Bad\nSales Director, Bad Corp\ntom@badcorp.com\n+1 415 555 0142",
        {
            "firstname": "Tom",
            "lastname": "Bad",
            "email": "tom@badcorp.com",
            "company": "Bad Corp",
            "jobtitle": "Sales Director",
        },
        ["Read from your paste: First name, Last name, Email, Phone, Company, Job title."],
    ),
    (
        "ko-KR",
        "연락처 추가\n감사합니다.\n김민수 드림\n한빛소프트 영업팀 과장\n"
        "minsu@hanbit.kr\n010-1234-5678",
        {
            "lastname": "김",
            "firstname": "민수",
            "email": "minsu@hanbit.kr",
            "company": "한빛소프트",
            "jobtitle": "영업팀 과장",
        },
        ["붙여 넣은 글에서 읽은 항목:"],
    ),
]


@pytest.mark.parametrize("locale,typed,shown,named", DOUBTFUL)
async def test_a_doubtful_create_shows_the_form_naming_each_doubt(
    app, channel, locale, typed, shown, named
):
    chat = Conversation(app, channel, locale=locale)
    await chat.start()
    (reply,) = await chat.say(typed)
    lang = "ko" if locale.startswith("ko") else "en"
    assert reply.text == CHECK[lang]
    form = reply.cards[0]
    values = inputs(form)
    assert {k: values[k] for k in shown} == shown
    seen = " ".join(texts(form))
    for words in named:
        assert words in seen
    assert await everyone(app) == 0  # nothing written on a guess


async def test_the_form_of_a_broken_email_creates_once_it_is_fixed(app, channel):
    chat = Conversation(app, channel)
    await chat.start()
    (reply,) = await chat.say("add Tom Bad tom@bad")
    form = reply.cards[0]
    assert await everyone(app) == 0
    (reply, *_) = await chat.click(
        {**action_data(form, "Create"), **inputs(form), "email": "tom@bad.example.com"}
    )
    assert heading(reply.cards[0]) == "Contact created"
    stored = await app.contacts.find_by_email("tom@bad.example.com")
    assert (stored.get("firstname"), stored.get("lastname")) == ("Tom", "Bad")
    assert await everyone(app) == 1


CERTAIN = [
    # "<title> at <company>" fills both; 010-... is Korean from an English client
    (
        "en-US",
        "add a new contact: Kevin Park, kevin.park@globex.com, VP Sales at Globex, 010-2222-3333",
        "kevin.park@globex.com",
        {
            "firstname": "Kevin",
            "lastname": "Park",
            "jobtitle": "VP Sales",
            "company": "Globex",
            "phone": "+821022223333",
        },
    ),
    (
        "en-US",
        "create contact Dana Whitfield dana@initech.com Head of Procurement at Initech",
        "dana@initech.com",
        {"jobtitle": "Head of Procurement", "company": "Initech"},
    ),
    (
        "en-US",
        "add Mina Cho mina.cho@hooli.com 02-555-1234",
        "mina.cho@hooli.com",
        {"firstname": "Mina", "lastname": "Cho", "phone": "+8225551234"},
    ),
]


@pytest.mark.parametrize("locale,typed,email,stored", CERTAIN)
async def test_a_certain_create_is_written_at_once(app, channel, locale, typed, email, stored):
    chat = Conversation(app, channel, locale=locale)
    await chat.start()
    (reply, *_) = await chat.say(typed)
    assert heading(reply.cards[0]) == "Contact created"
    contact = await app.contacts.find_by_email(email)
    assert {k: contact.get(k) for k in stored} == stored
    assert await everyone(app) == 1
