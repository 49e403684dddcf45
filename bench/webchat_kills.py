"""Web Chat turns against kill -9 (issue 23, finding 2): how many of N page turns cut by their
instance's death still reach the page, and how many messages a client's re-post shows twice.

    .venv/bin/python -m bench.webchat_kills [--kills 10]

Two real app processes (tests/support/processes.py) on one PostgreSQL (Debian's binaries, as
the tests use), HubSpot behind a gate (tests/support/gate.py). Each round: a new chat on the
surviving instance previews an update, the page's Confirm is posted to the other one with the
gate shut, that instance is killed -9 once the turn waits on HubSpot, the gate opens. The turn
counts as lost when no outcome reaches the page within 20 s (the lease is 3 s); then the client
posts the same activity again (Web Chat's retry: the same clientActivityID) and the bench counts
the conversations that show it twice. The killed instance starts again for the next round, and
the two take turns being killed. Rates, never times; nothing fails.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import uuid
from pathlib import Path
from typing import Any

import aiohttp
from hubspot.crm.contacts import SimplePublicObjectInputForCreate

from tests.support.botapp import action_data, find_nonce
from tests.support.directline_client import DirectLineClient, DirectLineConversation, cards
from tests.support.gate import HubSpotGate
from tests.support.postgres import postgres_server
from tests.support.processes import AppProcess, AppProcesses, SharedHubSpot, shared_hubspot
from tests.support.waiting import until

OUTCOMES = ("Contact updated", "tell whether this was saved", "Something went wrong")


def _confirm_card(activity: dict[str, Any]) -> bool:
    return any("Confirm" in json.dumps(card) for card in cards(activity))


async def _press(dl: DirectLineClient, email: str) -> tuple[DirectLineConversation, dict[str, Any]]:
    """A chat with an update previewed, and the Confirm its page would post."""
    conv = await dl.page_token()
    await dl.start(conv)
    await dl.wait_for(conv, lambda a: bool(cards(a)), seconds=20)
    await dl.say(conv, f"update {email} company Globex")
    await dl.wait_for(conv, _confirm_card, seconds=20)
    (card,) = cards([a for a in conv.seen if _confirm_card(a)][-1])
    return conv, {
        "type": "message",
        "from": {"id": "page"},
        "value": {**action_data(card, "Confirm"), "nonce": find_nonce(card)},
        "channelData": {"clientActivityID": uuid.uuid4().hex},
    }


async def _shown_within(dl: DirectLineClient, conv: DirectLineConversation, seconds: float) -> bool:
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        await dl.poll(conv)
        if any(said in json.dumps(conv.seen, ensure_ascii=False) for said in OUTCOMES):
            return True
        await asyncio.sleep(0.1)
    return False


async def _round(
    session: aiohttp.ClientSession,
    gate: HubSpotGate,
    victim: AppProcess,
    survivor: AppProcess,
    email: str,
) -> tuple[bool, int]:
    """Whether the outcome reached the page, and how often the page shows the pressed post."""
    on_victim = DirectLineClient(session, victim.url)
    on_survivor = DirectLineClient(session, survivor.url)
    conv, press = await _press(on_survivor, email)
    gate.shut()
    posting = asyncio.create_task(on_victim.post(conv, press))
    await until(lambda: gate.held >= 1, within=20, what="the turn reaching HubSpot")
    await victim.kill()
    gate.open()
    await asyncio.gather(posting, return_exceptions=True)  # cut off, or answered before
    shown = await _shown_within(on_survivor, conv, 20.0)
    await on_survivor.post(conv, press)  # the client's retry
    await asyncio.sleep(1.0)
    await on_survivor.poll(conv)
    client_id = press["channelData"]["clientActivityID"]
    posts = [
        a for a in conv.seen if (a.get("channelData") or {}).get("clientActivityID") == client_id
    ]
    await victim.start()
    return shown, len(posts)


async def _contacts(hs: SharedHubSpot, count: int) -> list[str]:
    emails = [f"kill{i}@acme.com" for i in range(count)]
    for i, email in enumerate(emails):
        body = SimplePublicObjectInputForCreate(
            properties={"firstname": "Kill", "lastname": f"Round{i}", "email": email}
        )
        await asyncio.to_thread(hs.sdk().crm.contacts.basic_api.create, body)
    return emails


async def measure(kills: int) -> None:
    with postgres_server() as pg:
        if pg is None:
            print("PostgreSQL is not installed (make postgres): nothing measured")
            return
        url = await asyncio.to_thread(pg.new_database)
        root = Path(tempfile.mkdtemp(prefix="webchat-kills-"))
        async with shared_hubspot() as hs, HubSpotGate(hs.url) as gate:
            emails = await _contacts(hs, kills)
            async with AppProcesses(root, database_url=url, hubspot=hs) as apps:
                a = apps.add("a", TURN_ANSWER_SECONDS="0", HUBSPOT_BASE_URL=gate.url)
                b = apps.add("b", TURN_ANSWER_SECONDS="0", HUBSPOT_BASE_URL=gate.url)
                await asyncio.gather(a.start(), b.start())
                lost = twice = 0
                async with aiohttp.ClientSession() as session:
                    for i, email in enumerate(emails):
                        victim, survivor = (a, b) if i % 2 == 0 else (b, a)
                        shown, posts = await _round(session, gate, victim, survivor, email)
                        lost += not shown
                        twice += posts > 1
                        print(f"round {i + 1}: {'shown' if shown else 'LOST'}; the post {posts}x")
        updates = sum(1 for w in hs.writes if w.route == "update")
        print(f"turns lost: {lost} of {kills} kills ({lost / kills:.0%})")
        print(f"a re-sent message shown twice: {twice} of {kills}")
        print(f"updates HubSpot holds: {updates} of {kills} Confirms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--kills", type=int, default=10)
    asyncio.run(measure(parser.parse_args().kills))


if __name__ == "__main__":
    main()
