"""Issue 10: the channel is answered as soon as an activity is accepted, whatever HubSpot does;
the turn goes on in the background, shows the user it is at work, and its reply arrives when
HubSpot answers. A redelivery of the same activity is processed once.

Times are never asserted: "answered at once" is shown by order (the POST's answer came while
HubSpot was still holding the turn's request), and every wait has a timeout.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from tests.support import activities as act
from tests.support.botapp import Conversation, RunningApp, running_app, test_settings
from tests.support.channel import Recorded, TestChannel
from tests.support.gate import HubSpotGate
from tests.support.hubspot_server import hubspot_server
from tests.support.waiting import until

HOLD_SECONDS = 20


@dataclass
class Gated:
    """A started chat with the bot, whose HubSpot (a standalone local one) is behind a gate."""

    hs: Any
    gate: HubSpotGate
    channel: TestChannel
    bot: RunningApp
    chat: Conversation
    seen: int = 0  # activities in the conversation before the test's own

    def since_start(self) -> list[Recorded]:
        """What the bot sent after the welcome, typing included."""
        cid = self.chat.conversation_id
        return self.channel.activities(cid, include_typing=True)[self.seen :]

    def replies(self) -> list[Recorded]:
        return [r for r in self.since_start() if r.type != "typing"]

    def message(self, text: str) -> dict[str, Any]:
        return act.emulator_message(self.chat.conversation_id, self.channel.service_url, text)


@asynccontextmanager
async def gated_chat(tmp_path: Any, **settings: Any) -> AsyncIterator[Gated]:
    async with (
        hubspot_server() as hs,
        HubSpotGate(hs.url) as gate,
        TestChannel() as channel,
    ):
        config = test_settings(
            tmp_path, hubspot_access_token=hs.token, hubspot_base_url=gate.url, **settings
        )
        async with running_app(config) as bot:
            chat = Conversation(bot, channel)
            await chat.start()
            seen = len(channel.activities(chat.conversation_id, include_typing=True))
            yield Gated(hs, gate, channel, bot, chat, seen)


@pytest.mark.timeout(120)
async def test_a_turn_hubspot_holds_for_20_s_is_answered_at_once_and_replied_when_ready(tmp_path):
    # The final answer is the result, not "HubSpot isn't answering".
    async with gated_chat(tmp_path, hubspot_action_seconds=HOLD_SECONDS + 25) as g:
        await g.bot.contacts.create(
            {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com"}
        )
        searches_before = g.gate.seen

        g.gate.shut()
        activity = g.message("find jane@acme.com")
        held_at = asyncio.get_running_loop().time()
        resp = await g.bot.post(activity, settle=False)
        # Answered before HubSpot said anything: the turn's request is still held.
        assert resp.status == 202
        await until(lambda: g.gate.held >= 1, within=10, what="the find never reached HubSpot")
        assert g.replies() == [], "a reply came before HubSpot answered"

        # The user sees the bot at work while HubSpot holds the turn.
        await until(
            lambda: any(r.type == "typing" for r in g.since_start()),
            within=10,
            what="no typing indicator while HubSpot held the turn",
        )
        assert g.gate.held >= 1
        assert g.replies() == []

        # HubSpot answers after being held for 20 s; the reply follows.
        left = HOLD_SECONDS - (asyncio.get_running_loop().time() - held_at)
        await asyncio.sleep(max(0.0, left))
        assert g.gate.held >= 1, "HubSpot was not holding the turn for the whole 20 s"
        g.gate.open()
        await asyncio.wait_for(g.bot.finished(activity), 60)
        replies = g.replies()
        assert len(replies) == 1, [r.text for r in replies]
        shown = replies[0].text + str(replies[0].cards)
        assert "Jane Doe" in shown and "jane@acme.com" in shown
        assert replies[0].reply_to_id == activity["id"]

        # Delivered again (the channel never saw the answer): processed once.
        calls = g.gate.seen
        again = await g.bot.post(activity)
        assert again.status in (201, 202)
        await g.bot.finished(activity)
        assert g.replies() == replies
        assert g.gate.seen == calls, "the redelivery called HubSpot again"
        assert g.gate.seen > searches_before


@pytest.mark.timeout(60)
async def test_the_same_activity_delivered_twice_while_its_turn_runs_is_processed_once(tmp_path):
    async with gated_chat(tmp_path) as g:
        g.gate.shut()
        create = g.message("add Kim Minji kim@acme.com")
        first = await g.bot.post(create, settle=False)
        await until(lambda: g.gate.held >= 1, within=10, what="the create never reached HubSpot")
        second = await g.bot.post(create, settle=False)  # Teams retrying a slow bot
        assert (first.status, second.status) == (202, 202)
        g.gate.open()
        await asyncio.wait_for(g.bot.finished(create), 30)
        replies = g.replies()
        assert len(replies) == 1, [r.text for r in replies]
        assert "Kim" in replies[0].text + str(replies[0].cards)
        found = await g.bot.contacts.find_by_email("kim@acme.com")
        assert found is not None
        assert g.hs.counters["create"].committed + g.hs.counters["batch_create"].committed == 1
