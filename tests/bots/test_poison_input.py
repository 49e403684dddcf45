"""Poison input (issue 23, finding 7): a body no store could keep, or an invoke no flow can read,
gets a clear answer, never an HTTP 500, and its redelivery is not run again.

A lone UTF-16 surrogate (`"find \\ud800x"`) is valid JSON but not Unicode: Python parses it into
a str that no UTF-8 column can take, so it used to fail deep in the store (SQLite, PostgreSQL,
the Direct Line channel) with a traceback, on every redelivery. In what a person typed the bot
now names the problem once (the stores keep the activity escaped); in an id or a name the
request is refused with a 400."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from typing import Any

import pytest

from app import INBOX_KEY
from store.postgres import PostgresStore
from tests.support import activities as act
from tests.support.botapp import Conversation, running_app, test_settings
from tests.support.channel import TestChannel
from tests.support.directline_client import DirectLineClient

SURROGATE_TEXT = '"find \\ud800x"'  # the JSON text of a str holding a lone surrogate
STORES = ["memory", "sqlite", "postgres"]


async def _app(request, tmp_path, kind):
    """The app on the store of this kind (PostgreSQL: a fresh database of the session's server)."""
    if kind == "postgres":
        server = request.getfixturevalue("postgres")
        url = await asyncio.to_thread(server.new_database)
        return running_app(test_settings(tmp_path, database_url=url), store=PostgresStore(url))
    return running_app(test_settings(tmp_path, state_storage=kind))


def _raw(activity: dict, field: str = "text") -> bytes:
    """The activity as JSON with `field` replaced by the lone-surrogate string."""
    activity[field] = "PLACEHOLDER"
    return json.dumps(activity).replace('"PLACEHOLDER"', SURROGATE_TEXT).encode()


async def _post_raw(bot, raw: bytes):
    async with bot.session.post(
        f"{bot.url}/api/messages", data=raw, headers={"Content-Type": "application/json"}
    ) as resp:
        return resp.status, await resp.text()


def _no_error_logged(caplog) -> None:
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not bad, [r.getMessage() for r in bad]


NOT_TEXT = "characters that are not text"


@pytest.mark.timeout(60)
@pytest.mark.parametrize("kind", STORES)
async def test_a_lone_surrogate_in_a_message_is_named_once_on_every_store(
    request, tmp_path, kind, caplog
):
    async with await _app(request, tmp_path, kind) as bot, TestChannel() as channel:
        chat = Conversation(bot, channel)
        await chat.start()
        before = len(channel.messages(chat.conversation_id))
        raw = _raw(act.emulator_message(chat.conversation_id, channel.service_url, "x"))
        statuses = [(await _post_raw(bot, raw))[0] for _ in range(3)]  # and two redeliveries
        await asyncio.sleep(0.2)
        await bot.app[INBOX_KEY].finished(_key(raw))
        assert all(s in (200, 201, 202) for s in statuses), statuses
        replies = channel.messages(chat.conversation_id)[before:]
        # One answer, naming the problem (the redeliveries were the same activity: run once).
        assert len(replies) == 1, [r.text for r in replies]
        assert NOT_TEXT in (replies[0].text or ""), replies[0].text
        # The conversation goes on.
        assert await chat.say("help"), "the conversation still answers"
    _no_error_logged(caplog)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("kind", STORES)
async def test_a_lone_surrogate_outside_the_text_is_a_clear_400(request, tmp_path, kind, caplog):
    async with await _app(request, tmp_path, kind) as bot, TestChannel() as channel:
        chat = Conversation(bot, channel)
        await chat.start()
        before = len(channel.activities(chat.conversation_id))
        for field in ("from", "conversation"):
            named = act.emulator_message(chat.conversation_id, channel.service_url, "find jane")
            named[field]["name"] = "PLACEHOLDER"
            raw = json.dumps(named).replace('"PLACEHOLDER"', SURROGATE_TEXT).encode()
            for _ in range(2):  # a redelivery gets the same answer
                status, text = await _post_raw(bot, raw)
                assert status == 400 and "Unicode" in text, (field, status, text)
        assert len(channel.activities(chat.conversation_id)) == before  # nothing ran
        assert await chat.say("help"), "the conversation still answers"
    _no_error_logged(caplog)


def _key(raw: bytes) -> str:
    from botbuilder.schema import Activity

    from bots.inbox import delivery_key

    key = delivery_key(Activity().deserialize(json.loads(raw)))
    assert key is not None
    return key


MALFORMED_VALUES: list[Any] = [
    "broken",
    None,
    [],
    {"action": "not an object"},
    {"action": {"verb": 5, "data": "text"}},
    {"action": {"verb": None, "data": None}},
    {"action": {"verb": "update_confirm", "data": {"pending_id": {"$ne": 1}}}},
    {"action": {"verb": ["x"], "data": [1, 2]}},
    {"action": {"type": "Action.Execute"}},
    {"action": {"verb": "refresh", "data": {"card": 7}}},
    {"action": {"verb": "refresh", "data": "card"}},
    {"action": {"verb": "", "data": {"nonce": "forged"}}},
]


OTHER_INVOKES: list[tuple[str, Any]] = [
    ("composeExtension/query", "broken"),
    ("composeExtension/query", {"parameters": "x"}),
    ("composeExtension/queryLink", {"url": 5}),
    ("composeExtension/selectItem", [1]),
    ("adaptiveCard/action", {"action": {"verb": "search_submit", "data": {"query": ["x"]}}}),
    ("no/such/invoke", {}),
]


def _invoke(chat: Conversation, value, reply_to: str = "") -> dict:
    a = act.fixture("d_teams_invoke_adaptive_card_action")
    a["replyToId"] = reply_to
    a["id"] = f"f:{uuid.uuid4()}"
    a["serviceUrl"] = chat.channel.service_url
    a["conversation"]["id"] = chat.conversation_id
    a["locale"] = "en-US"
    a["value"] = value
    return a


@pytest.mark.timeout(60)
@pytest.mark.parametrize("kind", ["memory", "sqlite"])
async def test_a_malformed_card_action_invoke_is_never_a_500(request, tmp_path, kind, caplog):
    async with await _app(request, tmp_path, kind) as bot, TestChannel() as channel:
        chat = Conversation(bot, channel, kind="teams")
        welcome = await chat.start()
        for value in MALFORMED_VALUES:
            resp = await bot.post(_invoke(chat, value, reply_to=welcome[-1].id))
            assert resp.status != 500 and resp.status < 500, (value, resp.status)
            if resp.status == 200:
                body = json.loads(await resp.text() or "{}")
                # an invoke answer: an error, a message or a card, never the SDK's failure
                assert body.get("statusCode") in (200, 400), (value, body)
        # Other invokes with broken values, and one the bot does not know.
        for name, value in OTHER_INVOKES:
            a = _invoke(chat, value)
            a["name"] = name
            resp = await bot.post(a)
            assert resp.status < 500, (name, value, resp.status)
        # A lone surrogate in an invoke's name is refused before any turn.
        status, text = await _post_raw(bot, _raw(_invoke(chat, {}), "name"))
        assert status == 400 and "Unicode" in text
        assert await chat.say("help"), "the conversation still answers"
    _no_error_logged(caplog)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("kind", STORES)
async def test_a_lone_surrogate_on_direct_line_is_named_or_refused(request, tmp_path, kind, caplog):
    async with await _app(request, tmp_path, kind) as bot:
        dl = DirectLineClient(bot.session, bot.url)
        conv = await dl.page_token()
        await dl.start(conv, locale="en-US")
        await dl.wait_for(conv, lambda a: a.get("attachments"))
        path = f"/conversations/{conv.conversation_id}/activities"
        # In the text: kept, and the bot says what is wrong with it.
        raw = '{"type": "message", "from": {"id": "me"}, "text": ' + SURROGATE_TEXT + "}"
        answer = await dl.call("POST", path, token=conv.token, data=raw)
        assert answer.status == 200, answer
        await dl.wait_for(conv, lambda a: NOT_TEXT in str(a.get("text")))
        # In the sender's name: refused, said once in the chat, the same on a resend.
        raw = (
            '{"type": "message", "from": {"id": "me", "name": '
            + SURROGATE_TEXT
            + '}, "text": "hi"}'
        )
        for _ in range(2):
            answer = await dl.call("POST", path, token=conv.token, data=raw)
            assert answer.status == 400, answer
            assert "Unicode" in json.dumps(answer.body)
        await dl.wait_for(conv, lambda a: "not valid text" in str(a.get("text")))
        # A request body elsewhere in the API: refused too.
        answer = await dl.call(
            "POST",
            "/conversations",
            token=conv.token,
            data='{"user": {"id": ' + SURROGATE_TEXT + "}}",
        )
        assert answer.status == 400, answer
        said = await dl.say(conv, "help")
        assert said.status == 200
    _no_error_logged(caplog)


@pytest.mark.timeout(60)
async def test_an_invoke_whose_turn_fails_gets_an_invoke_error_answer(tmp_path, caplog):
    """An id no reply URL can carry: the turn's reply fails inside the SDK. The SDK answered
    such an invoke with a bare 501; now it is an invoke error answer the client can show."""
    async with running_app(test_settings(tmp_path)) as bot, TestChannel() as channel:
        chat = Conversation(bot, channel, kind="teams")
        welcome = await chat.start()
        broken = _invoke(chat, {"action": {"verb": "start_search", "data": {}}}, welcome[-1].id)
        broken["id"] = 'f:{"not": an id}'
        resp = await bot.post(broken)
        assert resp.status == 200, resp.status
        body = await resp.json()
        assert body["statusCode"] == 500 and body["type"] == "application/vnd.microsoft.error"
        assert body["value"]["message"] == "The action could not be done."
        assert await chat.say("help"), "the conversation still answers"
