"""One more value for the contact in question, read without a model: "her email is ..." joins the
new contact waiting for Create; "his job title is ..." after a create becomes that contact's
update preview. The scripted server's script stays empty where no model call is expected."""

from __future__ import annotations

from typing import Any

import pytest

from flows.followups import follow_up
from tests.support.botapp import Conversation, action_data, card_nodes, running_app, test_settings
from tests.support.cardread import facts, heading
from tests.support.scripted_openai import ScriptedOpenAI, text, tool_call


@pytest.fixture
async def model():
    async with ScriptedOpenAI() as server:
        yield server
        assert server.unexpected_calls == 0


@pytest.fixture
async def app(tmp_path, model):
    async with running_app(test_settings(tmp_path), openai_client=model.client()) as bot:
        yield bot


def _shown(form: dict[str, Any]) -> dict[str, Any]:
    return {n["id"]: n.get("value") for n in card_nodes(form) if n.get("id") and n.get("value")}


async def test_a_value_given_next_joins_the_waiting_contact(app, model, channel):
    chat = Conversation(app, channel)
    await chat.start()
    model.script(
        tool_call("CreateContact", {"properties": {"firstname": "Sara", "lastname": "Lind"}}),
        text("What is Sara's email?"),
    )
    await chat.say("add a contact named Sara Lind")
    calls = len(model.requests)
    replies = await chat.say("her email is sara.lind@fjord.no")
    assert len(model.requests) == calls
    form = [r for r in replies if r.cards and not r.updated][-1].cards[0]
    assert heading(form) == "Create contact"
    assert {k: v for k, v in _shown(form).items() if k in ("firstname", "lastname", "email")} == {
        "firstname": "Sara",
        "lastname": "Lind",
        "email": "sara.lind@fjord.no",
    }
    assert await app.contacts.find_by_email("sara.lind@fjord.no") is None  # still waiting
    await chat.say("yes")
    stored = await app.contacts.find_by_email("sara.lind@fjord.no")
    assert stored is not None and stored.full_name == "Sara Lind"


async def test_a_korean_value_given_next_joins_it_too(app, model, channel):
    chat = Conversation(app, channel, locale="ko-KR")
    await chat.start()
    model.script(
        tool_call("CreateContact", {"properties": {"firstname": "하늘", "lastname": "송"}}),
        text("이메일을 알려 주세요."),
    )
    await chat.say("송하늘 연락처 추가해 줘")
    await chat.say("이메일은 haneul.song@gureum.kr 이에요")
    await chat.say("네")
    stored = await app.contacts.find_by_email("haneul.song@gureum.kr")
    assert stored is not None and stored.full_name == "송하늘"


async def test_a_value_after_a_create_is_an_update_of_that_contact(app, model, channel):
    chat = Conversation(app, channel)
    await chat.start()
    await chat.say("add Marco Rossi, marco.rossi@trattoria.it")
    await chat.say("yes")
    marco = await app.contacts.find_by_email("marco.rossi@trattoria.it")
    assert marco is not None
    replies = await chat.say("his job title is Head Chef")
    (confirm,) = [r for r in replies if r.cards and not r.updated]
    assert facts(confirm.cards[0]) == {"Job title": "(empty) → Head Chef"}
    await chat.click(action_data(confirm.cards[0], "Confirm"))
    assert (await app.contacts.get(marco.id)).get("jobtitle") == "Head Chef"
    assert model.requests == []


@pytest.mark.parametrize(
    ("line", "values"),
    [
        ("her email is sara.lind@fjord.no", {"email": "sara.lind@fjord.no"}),
        ("his job title is Head Chef", {"jobtitle": "Head Chef"}),
        ("their phone number is +47 22 33 44 55", {"phone": "+47 22 33 44 55"}),
        ("이메일은 haneul.song@gureum.kr 이에요", {"email": "haneul.song@gureum.kr"}),
        ("직함은 영업팀장이에요", {"jobtitle": "영업팀장"}),
        ("her email is what?", {}),
        ("her company is the one we met", {}),
        ("the one at Globex", {}),
        ("회사를 하늘에어로 바꿔 줘", {}),  # a command: the parser's
    ],
)
def test_what_a_follow_up_line_gives(line: str, values: dict[str, str]) -> None:
    assert follow_up(line) == values
