"""Poison input (issue 23, finding 7): a body no store can keep, or an invoke no flow can read,
gets a clear answer, never an HTTP 500, and its redelivery gets the same answer, not a loop.

A lone UTF-16 surrogate (`"find \\ud800x"`) is valid JSON but not Unicode: Python parses it into
a str that neither SQLite nor PostgreSQL nor UTF-8 can take, so it used to fail deep in the
store with a traceback, on every redelivery."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from typing import Any

import pytest

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


@pytest.mark.timeout(60)
@pytest.mark.parametrize("kind", STORES)
async def test_a_lone_surrogate_is_a_clear_400_on_every_delivery(request, tmp_path, kind, caplog):
    async with await _app(request, tmp_path, kind) as bot, TestChannel() as channel:
        chat = Conversation(bot, channel)
        await chat.start()
        before = len(channel.activities(chat.conversation_id))
        message = act.emulator_message(chat.conversation_id, channel.service_url, "x")
        raw = _raw(message)
        for _ in range(3):  # the first delivery and two redeliveries
            status, text = await _post_raw(bot, raw)
            assert status == 400, (status, text)
            assert "Unicode" in text
        # In a name, too (anywhere in the activity).
        named = act.emulator_message(chat.conversation_id, channel.service_url, "find jane")
        named["from"]["name"] = "PLACEHOLDER"
        status, text = await _post_raw(
            bot, json.dumps(named).replace('"PLACEHOLDER"', SURROGATE_TEXT).encode()
        )
        assert status == 400 and "Unicode" in text
        # Nothing ran, and the conversation goes on.
        assert len(channel.activities(chat.conversation_id)) == before
        replies = await chat.say("help")
        assert replies, "the conversation still answers"
    _no_error_logged(caplog)


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
        # A lone surrogate inside an invoke is refused before any turn, like a message.
        status, text = await _post_raw(bot, _raw(_invoke(chat, {}), "name"))
        assert status == 400 and "Unicode" in text
        assert await chat.say("help"), "the conversation still answers"
    _no_error_logged(caplog)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("kind", STORES)
async def test_a_lone_surrogate_on_direct_line_is_a_clear_400(request, tmp_path, kind, caplog):
    async with await _app(request, tmp_path, kind) as bot:
        dl = DirectLineClient(bot.session, bot.url)
        conv = await dl.page_token()
        await dl.start(conv, locale="en-US")
        await dl.wait_for(conv, lambda a: a.get("attachments"))
        raw = '{"type": "message", "from": {"id": "me"}, "text": ' + SURROGATE_TEXT + "}"
        for _ in range(2):  # the page's retry gets the same answer
            answer = await dl.call(
                "POST",
                f"/conversations/{conv.conversation_id}/activities",
                token=conv.token,
                data=raw,
            )
            assert answer.status == 400, answer
            assert "Unicode" in json.dumps(answer.body)
        said = await dl.say(conv, "help")
        assert said.status == 200
        await dl.wait_for(conv, lambda a: a.get("from", {}).get("role") == "bot" and a is not None)
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
