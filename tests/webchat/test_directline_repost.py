"""A page's message posted twice (Web Chat posts it again, with the same clientActivityID, when
its first POST failed or went unanswered) is one message: the second POST gets the first one's
id, the transcript shows it once and the bot answers it once. A different message with its own
client id is a new one."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from tests.support.botapp import running_app
from tests.support.botapp import test_settings as make_settings
from tests.support.directline_client import (
    DirectLineClient,
    DirectLineConversation,
    card_text,
    cards,
)

HELP_REPLY = "What I can do"


def _help(client_id: str) -> dict[str, object]:
    return {
        "type": "message",
        "text": "help",
        "locale": "en-US",
        "from": {"id": "ignored"},
        "channelData": {"clientActivityID": client_id},
    }


def _shown(conv: DirectLineConversation, client_id: str) -> list[str]:
    return [
        a["id"]
        for a in conv.seen
        if (a.get("channelData") or {}).get("clientActivityID") == client_id
    ]


def _help_replies(conv: DirectLineConversation) -> list[str]:
    return [a["id"] for a in conv.seen if a.get("from", {}).get("role") == "bot" and _is_help(a)]


def _is_help(activity: dict[str, Any]) -> bool:
    return any(HELP_REPLY in card_text(card) for card in cards(activity))


@pytest.mark.timeout(30)
async def test_the_same_client_activity_posted_twice_is_one_message_and_one_reply(tmp_path):
    async with running_app(make_settings(tmp_path)) as bot:
        dl = DirectLineClient(bot.session, bot.url)
        conv = await dl.page_token()
        await dl.start(conv)
        await dl.wait_for(conv, lambda a: bool(cards(a)))
        client_id = f"{uuid.uuid4().hex[:10]}.0"

        first = await dl.post(conv, _help(client_id))
        again = await dl.post(conv, _help(client_id))
        assert (first.status, again.status) == (200, 200), (first, again)
        assert again.body["id"] == first.body["id"]

        await dl.wait_for(conv, _is_help)
        await asyncio.sleep(0.5)  # a second answer would be on its way by now
        await dl.poll(conv)
        assert _shown(conv, client_id) == [first.body["id"]]
        assert len(_help_replies(conv)) == 1

        other = await dl.post(conv, _help(f"{uuid.uuid4().hex[:10]}.1"))  # a new message
        assert other.body["id"] != first.body["id"]
        await dl.wait_for(conv, lambda a: len(_help_replies(conv)) == 2)
