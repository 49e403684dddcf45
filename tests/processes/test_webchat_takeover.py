"""Issue 23, finding 2: a Web Chat turn outlives the instance running it. The page's Confirm is
kept in the shared inbox before its POST is answered; the instance running the turn is killed
(kill -9) while the turn waits on HubSpot; the other instance takes the turn over, the page sees
one reply, and HubSpot holds the update at most once, as the reply says (a turn cut after its
write was claimed reads HubSpot: "updated", "nothing was saved", or "can't tell" only when
HubSpot cannot be read: flows/settle.py). The client
posting the same activity again (as Web Chat does after a failed POST) gets the first post's
id: one message, one turn.

At the protocol level, as botframework-directlinejs makes the calls, through a round-robin
balancer in front of two real app processes on one PostgreSQL; and one process on SQLite whose
restart finishes the turn.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest
from hubspot.crm.contacts import SimplePublicObjectInputForCreate

from tests.support.botapp import action_data, find_nonce
from tests.support.directline_client import (
    DirectLineClient,
    DirectLineConversation,
    card_text,
    cards,
)
from tests.support.gate import HubSpotGate
from tests.support.processes import AppProcesses, SharedHubSpot, shared_hubspot
from tests.support.waiting import until
from tests.support.web_balancer import WebBalancer

UPDATED = "Contact updated"
GENERIC_ERROR = "Something went wrong"
# What the instance taking over a turn cut after its write was claimed may say (flows/settle.py):
# HubSpot holds the old values, or it could not be read.
NOT_SAVED = "nothing was saved"
IN_DOUBT = "I can't tell whether this was saved"


@pytest.fixture
def reaper() -> Iterator[list[AppProcesses]]:
    """Kills every app process a test started, even when a timeout cut the test off."""
    started: list[AppProcesses] = []
    yield started
    for apps in started:
        apps.kill_all()
        apps.report()


async def add_jane(hs: SharedHubSpot) -> str:
    body = SimplePublicObjectInputForCreate(
        properties={"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com"}
    )
    created = await asyncio.to_thread(hs.sdk().crm.contacts.basic_api.create, body)
    return str(created.id)


def _confirm_card(activity: dict[str, Any]) -> bool:
    return any("Confirm" in json.dumps(card) for card in cards(activity))


def confirm_press(conv: DirectLineConversation) -> dict[str, Any]:
    """The Confirm button's post, with the client's own id for it, as Web Chat sends it."""
    (card,) = cards([a for a in conv.seen if _confirm_card(a)][-1])
    return {
        "type": "message",
        "from": {"id": "ignored"},
        "value": {**action_data(card, "Confirm"), "nonce": find_nonce(card)},
        "channelData": {"clientActivityID": f"{uuid.uuid4().hex[:10]}.press"},
    }


async def preview_update(dl: DirectLineClient) -> DirectLineConversation:
    conv = await dl.page_token()
    await dl.start(conv)
    await dl.wait_for(conv, lambda a: bool(cards(a)), seconds=20)
    await dl.say(conv, "update jane@acme.com company Globex")
    await dl.wait_for(conv, _confirm_card, seconds=20)
    return conv


def seq(activity_id: str) -> int:
    return int(activity_id.rpartition("|")[2])


def replies_after(conv: DirectLineConversation, post_id: str) -> dict[str, str]:
    """What the page shows from the bot after the post `post_id`, by activity id (an activity
    updated in place, such as the Confirm card marked with its outcome, keeps its id and is
    not counted: it is shown in place of the earlier one)."""
    return {
        str(a["id"]): " ".join([str(a.get("text") or ""), *map(card_text, cards(a))])
        for a in conv.seen
        if a.get("from", {}).get("role") == "bot" and seq(str(a["id"])) > seq(post_id)
    }


def outcome_shown(conv: DirectLineConversation, post_id: str) -> bool:
    return any(
        said in shown
        for shown in replies_after(conv, post_id).values()
        for said in (UPDATED, NOT_SAVED, IN_DOUBT, GENERIC_ERROR)
    )


def posts_of(conv: DirectLineConversation, client_id: str) -> list[str]:
    return [
        str(a["id"])
        for a in conv.seen
        if (a.get("channelData") or {}).get("clientActivityID") == client_id
    ]


async def settle(dl: DirectLineClient, conv: DirectLineConversation, seconds: float) -> None:
    """Read everything the conversation gets for `seconds` (a second outcome would be in)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        await dl.poll(conv)
        await asyncio.sleep(0.1)


async def post(dl: DirectLineClient, conv: DirectLineConversation, activity: dict[str, Any]) -> str:
    answer = await dl.post(conv, activity)
    assert answer.status == 200, answer
    return str(answer.body["id"])


def told_true(shown: str, updates: list[dict[str, Any]]) -> None:
    """The one reply matches what HubSpot holds: "updated" only for an update it holds once,
    "nothing was saved" for one it does not hold, "can't tell" for one it holds once or not at
    all; never twice."""
    assert GENERIC_ERROR not in shown, shown
    if UPDATED in shown:
        assert updates == [{"company": "Globex"}], (shown, updates)
    elif NOT_SAVED in shown:
        assert updates == [], (shown, updates)
    else:
        assert IN_DOUBT in shown, shown
        assert updates in ([], [{"company": "Globex"}]), (shown, updates)


async def until_outcome(dl: DirectLineClient, conv: DirectLineConversation, post_id: str) -> None:
    deadline = asyncio.get_running_loop().time() + 60
    while not outcome_shown(conv, post_id):
        assert asyncio.get_running_loop().time() < deadline, f"no outcome; saw {conv.seen}"
        await dl.poll(conv)
        await asyncio.sleep(0.1)


@pytest.mark.timeout(150)
async def test_a_page_turn_cut_by_kill_9_is_finished_by_the_other_instance(
    tmp_path, postgres, reaper
):
    url = await asyncio.to_thread(postgres.new_database)
    async with shared_hubspot() as hs, HubSpotGate(hs.url) as gate:
        jane = await add_jane(hs)
        async with AppProcesses(tmp_path, database_url=url, hubspot=hs) as apps:
            reaper.append(apps)
            # The page's POST is answered once the message is in the store (no wait for the
            # turn); a turn whose instance died is taken over after 3 s.
            a = apps.add("a", TURN_ANSWER_SECONDS="0", HUBSPOT_BASE_URL=gate.url)
            b = apps.add("b", TURN_ANSWER_SECONDS="0", HUBSPOT_BASE_URL=gate.url)
            await asyncio.gather(a.start(), b.start())
            async with WebBalancer([a.url, b.url]) as lb, aiohttp.ClientSession() as session:
                dl = DirectLineClient(session, lb.url)
                conv = await preview_update(dl)
                press = confirm_press(conv)
                client_id = press["channelData"]["clientActivityID"]

                gate.shut()
                on_a = DirectLineClient(session, a.url)  # this post lands on A
                first = await post(on_a, conv, press)
                await until(lambda: gate.held >= 1, within=20, what="the turn reaching HubSpot")
                await a.kill()  # kill -9, the turn in the middle of its HubSpot call
                gate.open()  # what A sent is delivered late, as a slow network would

                # The client, not sure its post went through, sends it again (to B now).
                assert await post(dl, conv, press) == first

                await until_outcome(dl, conv, first)
                await settle(dl, conv, 4.0)  # past another lease: no second run shows up

                (shown,) = replies_after(conv, first).values()  # one reply, shown once
                told_true(shown, hs.updates_of(jane))
                assert posts_of(conv, client_id) == [first], "the message shown twice"
                said = json.dumps(conv.seen, ensure_ascii=False)
                assert GENERIC_ERROR not in said
                assert "took over" in b.tail(400)


@pytest.mark.timeout(150)
async def test_a_page_turn_cut_by_kill_9_is_finished_by_the_restart_on_sqlite(tmp_path, reaper):
    async with shared_hubspot() as hs, HubSpotGate(hs.url) as gate:
        jane = await add_jane(hs)
        async with AppProcesses(tmp_path, database_url="", hubspot=hs) as apps:
            reaper.append(apps)
            solo = apps.add(
                "solo", TURN_ANSWER_SECONDS="0", TURN_LEASE_SECONDS="600", HUBSPOT_BASE_URL=gate.url
            )
            await solo.start()
            async with aiohttp.ClientSession() as session:
                dl = DirectLineClient(session, solo.url)
                conv = await preview_update(dl)
                press = confirm_press(conv)
                gate.shut()
                first = await post(dl, conv, press)
                await until(lambda: gate.held >= 1, within=20, what="the turn reaching HubSpot")
                await solo.kill()
                gate.open()
                await solo.start()  # the lease (600 s) has not run out: only the restart can
                await until_outcome(dl, conv, first)
                assert await post(dl, conv, press) == first  # sent again: the same message
                await settle(dl, conv, 2.0)
                (shown,) = replies_after(conv, first).values()  # one reply, shown once
                told_true(shown, hs.updates_of(jane))
                assert posts_of(conv, press["channelData"]["clientActivityID"]) == [first]
                assert GENERIC_ERROR not in json.dumps(conv.seen, ensure_ascii=False)
