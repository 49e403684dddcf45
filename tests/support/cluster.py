"""Two app processes on one PostgreSQL and one HubSpot, behind a round-robin balancer, and the
pieces the process tests share to drive and check them (tests/processes/test_processes.py, the
fault harness in tests/processes/test_fault_harness.py).

    async with two_instances(tmp_path, postgres, reaper) as cl:   # cl.a, cl.b, cl.proxy
        chat = cl.chat()
        await chat.start()
        texts(await chat.say("find jane@acme.com"))              # ["Search results — ..."]

The fixtures `reaper` and `stacks_dumped_before_the_timeout` are imported by the test modules
that use them (pytest finds a fixture by its name in the module).
"""

from __future__ import annotations

import asyncio
import faulthandler
import random
import string
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from hubspot.crm.contacts import PublicObjectSearchRequest, SimplePublicObjectInputForCreate

from store.postgres import PostgresStore
from tests.support.botapp import action_data
from tests.support.cardread import texts as card_texts
from tests.support.channel import Recorded, TestChannel
from tests.support.processes import AppProcess, AppProcesses, SharedHubSpot, shared_hubspot
from tests.support.proxy import RoundRobinProxy
from tests.support.remote_chat import RemoteChat

GENERIC_ERROR = "Something went wrong"
# A Confirm pressed again: the ledger's answer, or (the card ended first) the card's.
ALREADY_SAVED = ("You already saved this at ", "That card was already used (✓ Saved by ")
IN_DOUBT = (
    "I can't tell whether this was saved",
    "HubSpot did not confirm the save",
    "That card was already used (HubSpot did not confirm the save",
)


@dataclass
class Cluster:
    hs: SharedHubSpot
    channel: TestChannel
    apps: AppProcesses
    a: AppProcess
    b: AppProcess
    proxy: RoundRobinProxy
    session: aiohttp.ClientSession
    database_url: str

    def chat(self, url: str | None = None) -> RemoteChat:
        # A redelivery that finds its activity in the dead instance's hands is answered 202 and
        # run when that instance's lease runs out (3 s here): wait for its reply.
        return RemoteChat(self.session, url or self.proxy.url, self.channel, reply_wait=30)

    async def audit_log(self) -> list[Any]:
        store = PostgresStore(self.database_url)
        await store.open()
        try:
            return await store.audit_log(limit=100_000)
        finally:
            await store.close()


@pytest.fixture(autouse=True)
def stacks_dumped_before_the_timeout(request: pytest.FixtureRequest) -> Iterator[None]:
    """pyproject's faulthandler_timeout (50 s) is for 60 s tests; these may run longer, so a
    hang here dumps every thread's stack 10 s before this test's own limit instead."""
    marker = request.node.get_closest_marker("timeout")
    if marker is not None and marker.args:
        faulthandler.dump_traceback_later(float(marker.args[0]) - 10, file=2)  # stderr
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture
def reaper() -> Iterator[list[AppProcesses]]:
    """Kills every app process a test started, even when a timeout cut the test off, and
    prints each one's log tail (pytest shows it when the test failed)."""
    started: list[AppProcesses] = []
    yield started
    for apps in started:
        apps.kill_all()
        apps.report()


@asynccontextmanager
async def two_instances(
    tmp_path: Any,
    postgres: Any,
    reaper: list[AppProcesses],
    *,
    hubspot: SharedHubSpot | None = None,
    **settings: str,
) -> AsyncIterator[Cluster]:
    """`hubspot`: a SharedHubSpot the caller started (with faults or lag); else a plain one.
    `settings`: environment variables of both instances."""
    url = await asyncio.to_thread(postgres.new_database)
    async with _hubspot(hubspot) as hs, TestChannel() as channel:
        async with AppProcesses(tmp_path, database_url=url, hubspot=hs) as apps:
            reaper.append(apps)
            a, b = apps.add("a", **settings), apps.add("b", **settings)
            await asyncio.gather(a.start(), b.start())  # the schema race is part of the test
            async with RoundRobinProxy([a, b]) as proxy, aiohttp.ClientSession() as session:
                yield Cluster(hs, channel, apps, a, b, proxy, session, url)


@asynccontextmanager
async def _hubspot(given: SharedHubSpot | None) -> AsyncIterator[SharedHubSpot]:
    if given is not None:
        yield given
        return
    async with shared_hubspot() as hs:
        yield hs


async def add_contact(hs: SharedHubSpot, **properties: str) -> str:
    body = SimplePublicObjectInputForCreate(properties=properties)
    created = await asyncio.to_thread(hs.sdk().crm.contacts.basic_api.create, body)
    return str(created.id)


async def contacts_with_email(hs: SharedHubSpot, email: str) -> list[dict[str, Any]]:
    request = PublicObjectSearchRequest(
        filter_groups=[{"filters": [{"propertyName": "email", "operator": "EQ", "value": email}]}],
        properties=["email", "firstname", "lastname", "company", "jobtitle"],
        limit=10,
    )
    page = await asyncio.to_thread(
        hs.sdk().crm.contacts.search_api.do_search, public_object_search_request=request
    )
    return [{"id": str(c.id), **c.properties} for c in page.results]


def texts(replies: list[Recorded]) -> list[str]:
    """What each new message says: its line, or (a card alone) the card's first two lines,
    e.g. "Contact created — Ann Lee". Updates of cards sent before are not new messages."""
    return [r.text or " — ".join(card_texts(r.cards[0])[:2]) for r in replies if not r.updated]


def confirm_of(replies: list[Recorded]) -> dict[str, Any] | None:
    """The Confirm button's data on the newest confirmation card among these replies."""
    for reply in reversed(replies):
        for card in reply.cards:
            try:
                return action_data(card, "Confirm")
            except AssertionError:
                continue
    return None


def word(n: int) -> str:
    """A name-like word unique to n (typed-command names take letters, not digits)."""
    letters = ""
    n += 26 * 26
    while n:
        n, d = divmod(n, 26)
        letters = string.ascii_lowercase[d] + letters
    return letters.capitalize()


async def kill_at_random(
    cl: Cluster,
    rng: random.Random,
    done: asyncio.Event,
    *,
    every: tuple[float, float] = (1.5, 4.0),
) -> list[str]:
    """Kill -9 one instance at a random moment (every `every` seconds), restart it after a
    short delay on the same port, while the other keeps serving; again until `done`."""
    log: list[str] = []
    while not done.is_set():
        try:
            await asyncio.wait_for(done.wait(), timeout=rng.uniform(*every))
            break
        except TimeoutError:
            pass
        victim = rng.choice([cl.a, cl.b])
        await victim.kill()
        log.append(victim.name)
        await asyncio.sleep(rng.uniform(0.1, 1.0))
        await victim.start()
    return log
