"""Bad input gets a clear answer and loses nothing: forged or stale card submits, wrong types,
huge values and huge messages. Every case: HTTP 2xx, a message a person understands, no
traceback in the chat or an ERROR log line, and nothing written to HubSpot."""

from __future__ import annotations

import json
import logging

import pytest

from tests.support import activities as act
from tests.support.botapp import Conversation, action_data, running_app, test_settings
from tests.support.cardread import heading

BAD_SUBMIT = "I couldn't understand that card submission. Nothing was written."
STALE = "That card is from an earlier conversation or has expired"
BIG = "x" * 100_000


@pytest.fixture
async def app(tmp_path):
    async with running_app(test_settings(tmp_path)) as bot:
        jane = (
            await bot.contacts.create(
                {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com"}
            )
        ).contact
        bot.jane = jane
        yield bot


async def _snapshot(bot):
    jane = await bot.contacts.get(bot.jane.id)
    return await bot.hubspot_local.store.count(), jane.version, dict(jane.properties)


CASES = [
    ("unknown action", {"action": "delete_everything"}, BAD_SUBMIT),
    ("no action", {"email": "x@y.z"}, BAD_SUBMIT),
    ("action not a string", {"action": ["create_submit"]}, BAD_SUBMIT),
    ("non-string input", {"action": "create_submit", "firstname": {"$ne": 1}}, BAD_SUBMIT),
    ("number input", {"action": "create_submit", "email": 5, "firstname": "Num"}, BAD_SUBMIT),
    ("missing contact id", {"action": "update_submit", "phone": "+14155550199"}, BAD_SUBMIT),
    ("contact id not a number", {"action": "update_pick", "contact_id": "../1"}, BAD_SUBMIT),
    ("contact id wrong type", {"action": "update_pick", "contact_id": 7}, BAD_SUBMIT),
    (
        "nonexistent contact",
        {"action": "update_pick", "contact_id": "987654321"},
        "I couldn't find a contact matching 987654321",
    ),
    (
        "nonexistent contact submit",
        {"action": "update_submit", "contact_id": "987654321", "phone": "+14155550199"},
        "I couldn't find a contact matching 987654321",
    ),
    (
        "unknown pending id",
        {"action": "update_confirm", "pending_id": "forged"},
        "That card is no longer in use",
    ),
    ("pending id missing", {"action": "update_confirm"}, BAD_SUBMIT),
    ("empty update query", {"action": "update_find", "query": "   "}, BAD_SUBMIT),
    ("bad form name", {"action": "open_form", "form": "delete"}, BAD_SUBMIT),
    (
        "bad offset",
        {"action": "search_more", "criteria": {}, "after": "10", "offset": "ten"},
        BAD_SUBMIT,
    ),
    (
        "criteria not an object",
        {"action": "search_more", "criteria": "all", "after": "1"},
        BAD_SUBMIT,
    ),
    (
        "100 kB value",
        {"action": "create_submit", "firstname": BIG, "email": "big@x.com"},
        "First name: too long. Nothing was saved.",
    ),
    (
        "100 kB update value",
        {"action": "update_submit", "contact_id": "1", "city": BIG},
        "City: too long. Nothing was saved.",
    ),
]


@pytest.mark.parametrize("name,value,said", CASES, ids=[c[0] for c in CASES])
async def test_forged_submit_gets_a_clear_answer_and_writes_nothing(
    app, channel, caplog, name, value, said
):
    chat = Conversation(app, channel)
    await chat.start()
    before = await _snapshot(app)
    with caplog.at_level(logging.INFO):
        replies = await chat.click(value)  # carries the right nonce: only the fields are bad
    assert len(replies) == 1
    assert said in replies[0].text
    assert "Traceback" not in replies[0].text and "Error" not in replies[0].text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert await _snapshot(app) == before


async def test_card_without_nonce_or_from_another_conversation_is_refused(app, channel):
    first = Conversation(app, channel)
    (welcome,) = await first.start()
    create = action_data(welcome.cards[0], "Create contact")
    (form_reply,) = await first.click(create)
    submit = {
        **action_data(form_reply.cards[0], "Create"),
        "firstname": "Mallory",
        "email": "mallory@evil.example",
    }
    second = Conversation(app, channel)
    await second.start()
    # The first conversation's card, replayed in the second one: refused, nothing created.
    (reply,) = await second.click(submit)
    assert reply.text.startswith(STALE)
    assert heading(reply.cards[0]) == "HubSpot Contact Assistant"
    # No nonce at all: refused too.
    resp = await app.post(
        act.emulator_submit(
            second.conversation_id,
            channel.service_url,
            {"action": "create_submit", "firstname": "Mallory", "email": "mallory@evil.example"},
        )
    )
    assert resp.status in (200, 201, 202)
    assert channel.messages(second.conversation_id)[-1].text.startswith(STALE)
    assert await app.contacts.find_by_email("mallory@evil.example") is None


async def test_submit_before_any_welcome_is_stale(app, channel):
    chat = Conversation(app, channel)
    replies = await chat.click(
        {
            "action": "create_submit",
            "nonce": "guess",
            "firstname": "Eve",
            "email": "eve@evil.example",
        }
    )
    assert replies[0].text.startswith(STALE)
    assert await app.contacts.find_by_email("eve@evil.example") is None


@pytest.mark.parametrize("size", [1_000_000, 10_000_000])
async def test_huge_message_is_refused_without_parsing(app, channel, size):
    chat = Conversation(app, channel)
    await chat.start()
    before = await _snapshot(app)
    (reply,) = await chat.say("add Huge " + "a" * size + " huge@x.example")
    assert reply.text.startswith("That message is too long (")
    assert "the limit is 4000" in reply.text
    assert await _snapshot(app) == before


async def test_messageback_value_as_json_string_is_understood(app, channel):
    chat = Conversation(app, channel, kind="teams")
    (welcome,) = await chat.start()
    data = action_data(welcome.cards[0], "Search contacts")

    activity = act.teams_submit(chat.conversation_id, channel.service_url, json.dumps(data))
    activity["text"] = "Search contacts"
    assert (await app.post(activity)).status in (200, 201, 202)
    reply = channel.messages(chat.conversation_id)[-1]
    assert reply.text == "Search contacts — tell me what to look for."
    # A string value that is not JSON is not a submit: the text is read as a command.
    activity = act.teams_submit(chat.conversation_id, channel.service_url, "{not json")
    activity["text"] = "help"
    assert (await app.post(activity)).status in (200, 201, 202)
    assert heading(channel.messages(chat.conversation_id)[-1].cards[0]) == "What I can do"


def _no_traceback_logged(caplog) -> None:
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info], [
        (r.levelname, r.getMessage()) for r in caplog.records
    ]


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ('{"type": "message", "text": "hi", "entities": {"a": 1}}', "application/json", 400),
        ('{"type": "message", "conversation": "x"}', "application/json", 400),
        ("{not json", "application/json", 400),
        ('["type", "message"]', "application/json", 400),
        ('{"type": "message"}', "text/plain", 415),
        ("", "", 415),
    ],
)
async def test_a_request_that_is_not_an_activity_is_refused_without_a_traceback(
    app, caplog, body, content_type, status
):
    with caplog.at_level(logging.INFO):
        async with app.session.post(
            f"{app.url}/api/messages", data=body.encode(), headers={"Content-Type": content_type}
        ) as resp:
            assert resp.status == status
            assert "Traceback" not in await resp.text()
    _no_traceback_logged(caplog)
    assert any("refused a request to /api/messages" in r.getMessage() for r in caplog.records)


async def test_a_channel_that_cannot_be_reached_ends_the_turn_without_a_traceback(
    app, channel, caplog
):
    chat = Conversation(app, channel)
    await chat.start()
    activity = act.emulator_message(chat.conversation_id, "http://127.0.0.1:1/", "help")
    before = await _snapshot(app)
    with caplog.at_level(logging.INFO):
        resp = await app.post(activity)
    # Handled, though unanswered: a success like any turn's, not a 4xx or 5xx the channel would
    # redeliver.
    assert resp.status in (200, 201, 202)
    _no_traceback_logged(caplog)
    assert any("could not reply on the channel" in r.getMessage() for r in caplog.records)
    assert await _snapshot(app) == before
    # The conversation is not stuck: the next message, from a channel that answers, is served.
    (reply,) = await chat.say("find jane@acme.com")
    assert reply.cards and "Jane Doe" in json.dumps(reply.cards[0])


def _deep(n: int) -> str:
    return '{"a":' * n + "1" + "}" * n


@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000,  # unclosed: the parser recursed until Python stopped it
        "[" * 100_000 + "]" * 100_000,
        '{"type": "message", "text": "hi", "channelData": ' + _deep(5_000) + "}",
        '{"type": "message", "text": "hi", "channelData": ' + _deep(40) + "}",  # parses; too deep
    ],
    ids=["unclosed-100k", "closed-100k", "field-5000-deep", "field-40-deep"],
)
async def test_deeply_nested_json_is_a_400_not_a_500(app, caplog, body):
    with caplog.at_level(logging.INFO):
        async with app.session.post(
            f"{app.url}/api/messages", data=body, headers={"Content-Type": "application/json"}
        ) as resp:
            assert resp.status == 400
            assert await resp.text() == "The request body is not a valid activity."
    _no_traceback_logged(caplog)


async def test_a_submit_value_nested_5000_deep_is_refused_and_writes_nothing(app, channel, caplog):
    chat = Conversation(app, channel)
    await chat.start()
    before = await _snapshot(app)
    activity = act.emulator_submit(chat.conversation_id, channel.service_url, "DEEP")
    body = json.dumps(activity).replace('"DEEP"', _deep(5_000))
    with caplog.at_level(logging.INFO):
        async with app.session.post(
            f"{app.url}/api/messages", data=body, headers={"Content-Type": "application/json"}
        ) as resp:
            assert resp.status == 400
    _no_traceback_logged(caplog)
    assert await _snapshot(app) == before
    # The conversation goes on as before.
    (reply,) = await chat.say("find jane@acme.com")
    assert reply.cards and "Jane Doe" in json.dumps(reply.cards[0], ensure_ascii=False)


@pytest.mark.parametrize("value", ["[" * 60_000, "[" * 500 + "]" * 500], ids=["60k", "500"])
async def test_a_messageback_string_of_brackets_gets_a_clear_answer(app, channel, caplog, value):
    """Teams' messageBack carries the submit as a JSON string: a string of 60,000 `[` used to
    recurse the parser into a 500; now it is a card submission the bot says it cannot read."""
    chat = Conversation(app, channel, kind="teams")
    await chat.start()
    before = await _snapshot(app)
    activity = act.teams_submit(chat.conversation_id, channel.service_url, value)
    activity["text"] = "Search contacts"
    with caplog.at_level(logging.INFO):
        assert (await app.post(activity)).status in (200, 201, 202)
    assert channel.messages(chat.conversation_id)[-1].text == BAD_SUBMIT
    _no_traceback_logged(caplog)
    assert await _snapshot(app) == before
