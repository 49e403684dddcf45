"""Issue 10: the channel is answered as soon as an activity is accepted, whatever HubSpot does;
the turn goes on in the background, shows the user it is at work, and its reply arrives when
HubSpot answers. A redelivery of the same activity is processed once.

Times are never asserted: "answered at once" is shown by order (the POST's answer came while
HubSpot was still holding the turn's request), and every wait has a timeout.
"""

from __future__ import annotations

import asyncio

import pytest

from tests.support import activities as act
from tests.support.botapp import Conversation, running_app, test_settings
from tests.support.channel import Recorded, TestChannel
from tests.support.gate import HubSpotGate
from tests.support.hubspot_server import hubspot_server
from tests.support.waiting import until

HOLD_SECONDS = 20


def after(channel: TestChannel, conversation_id: str, seen: int) -> list[Recorded]:
    return channel.activities(conversation_id, include_typing=True)[seen:]


@pytest.mark.timeout(120)
async def test_a_turn_hubspot_holds_for_20_s_is_answered_at_once_and_replied_when_ready(tmp_path):
    async with (
        hubspot_server() as hs,
        HubSpotGate(hs.url) as gate,
        TestChannel() as channel,
    ):
        settings = test_settings(
            tmp_path,
            hubspot_access_token=hs.token,
            hubspot_base_url=gate.url,
            hubspot_action_seconds=HOLD_SECONDS + 25,  # the final answer is the result
        )
        async with running_app(settings) as bot:
            await bot.contacts.create(
                {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com"}
            )
            chat = Conversation(bot, channel)
            await chat.start()
            cid = chat.conversation_id
            seen = len(channel.activities(cid, include_typing=True))
            searches_before = gate.seen

            gate.shut()
            activity = act.emulator_message(cid, channel.service_url, "find jane@acme.com")
            held_at = asyncio.get_running_loop().time()
            resp = await bot.post(activity, settle=False)
            # Answered before HubSpot said anything: the turn's request is still held.
            assert resp.status == 202
            await until(lambda: gate.held >= 1, within=10, what="the find never reached HubSpot")
            assert after(channel, cid, seen) == [] or all(
                r.type == "typing" for r in after(channel, cid, seen)
            ), "a reply came before HubSpot answered"

            # The user sees the bot at work while HubSpot holds the turn.
            await until(
                lambda: any(r.type == "typing" for r in after(channel, cid, seen)),
                within=10,
                what="no typing indicator while HubSpot held the turn",
            )
            assert gate.held >= 1
            assert not [r for r in after(channel, cid, seen) if r.type != "typing"]

            # HubSpot answers after being held for 20 s; the reply follows.
            left = HOLD_SECONDS - (asyncio.get_running_loop().time() - held_at)
            await asyncio.sleep(max(0.0, left))
            assert gate.held >= 1, "HubSpot was not holding the turn for the whole 20 s"
            gate.open()
            await asyncio.wait_for(bot.finished(activity), 60)
            replies = [r for r in after(channel, cid, seen) if r.type != "typing"]
            assert len(replies) == 1, [r.text for r in replies]
            shown = replies[0].text + str(replies[0].cards)
            assert "Jane Doe" in shown and "jane@acme.com" in shown
            assert replies[0].reply_to_id == activity["id"]

            # Delivered again (the channel never saw the answer): processed once.
            calls = gate.seen
            again = await bot.post(activity)
            assert again.status in (201, 202)
            await bot.finished(activity)
            assert [r for r in after(channel, cid, seen) if r.type != "typing"] == replies
            assert gate.seen == calls, "the redelivery called HubSpot again"
            assert gate.seen > searches_before


@pytest.mark.timeout(60)
async def test_the_same_activity_delivered_twice_while_its_turn_runs_is_processed_once(tmp_path):
    async with (
        hubspot_server() as hs,
        HubSpotGate(hs.url) as gate,
        TestChannel() as channel,
    ):
        settings = test_settings(tmp_path, hubspot_access_token=hs.token, hubspot_base_url=gate.url)
        async with running_app(settings) as bot:
            chat = Conversation(bot, channel)
            await chat.start()
            cid = chat.conversation_id
            seen = len(channel.activities(cid, include_typing=True))
            gate.shut()
            create = act.emulator_message(cid, channel.service_url, "add Kim Minji kim@acme.com")
            first = await bot.post(create, settle=False)
            await until(lambda: gate.held >= 1, within=10, what="the create never reached HubSpot")
            second = await bot.post(create, settle=False)  # Teams retrying a slow bot
            assert (first.status, second.status) == (202, 202)
            gate.open()
            await asyncio.wait_for(bot.finished(create), 30)
            replies = [r for r in after(channel, cid, seen) if r.type != "typing"]
            assert len(replies) == 1, [r.text for r in replies]
            assert "Kim" in replies[0].text + str(replies[0].cards)
            found = await bot.contacts.find_by_email("kim@acme.com")
            assert found is not None
            assert hs.counters["create"].committed + hs.counters["batch_create"].committed == 1
