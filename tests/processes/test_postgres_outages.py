"""PostgreSQL restarted, or away for 10 s, under a real `python app.py` (issue 23, finding 5):
while idle and while users arrive, nobody gets a generic "Something went wrong", no request
gets a 500, every user gets their welcome and every message its answer; the channel delivers a
POST again after a 503, when its Retry-After says. And an app started while PostgreSQL is down
listens at once (alive, not ready, 503 with Retry-After to the channel), says in its log that
it is waiting, becomes ready when PostgreSQL comes up, and then serves a welcome.

These tests own a PostgreSQL server (they stop and restart it); tests/store/test_postgres_blips.py
covers the store and the in-process app with shorter outages.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest

from cards import text
from tests.support import activities as act
from tests.support.botapp import find_nonce
from tests.support.channel import TestChannel
from tests.support.postgres import PostgresServer, postgres_server
from tests.support.processes import AppProcess, AppProcesses, shared_hubspot
from tests.support.remote_chat import RemoteChat

GENERIC_ERROR = text("en", "error")
CUT_SECONDS = 10.0
DELIVER_WITHIN = 90  # a channel gives up on an activity after about this long


@pytest.fixture(scope="module")
def own_postgres() -> Iterator[PostgresServer]:
    with postgres_server() as server:
        if server is None:
            pytest.skip("PostgreSQL is not installed (make test installs Debian's postgresql)")
        yield server


@dataclass
class Channel:
    """Posts activities as a Bot Framework channel does: a 503 is delivered again after its
    Retry-After, a refused connection after a moment; every answer is kept."""

    session: aiohttp.ClientSession
    url: str
    statuses: Counter[str] = field(default_factory=Counter)
    retry_after_missing: int = 0

    async def deliver(self, activity: dict[str, Any]) -> str:
        deadline = time.monotonic() + DELIVER_WITHIN
        while True:
            wait = 0.5
            try:
                async with self.session.post(f"{self.url}/api/messages", json=activity) as resp:
                    await resp.read()
                    status = str(resp.status)
                    if resp.status == 503:
                        after = resp.headers.get("Retry-After")
                        self.retry_after_missing += after is None
                        wait = float(after or 1)
            except (aiohttp.ClientConnectionError, TimeoutError) as exc:
                status = type(exc).__name__
            self.statuses[status] += 1
            if status in {"200", "201", "202"} or time.monotonic() + wait > deadline:
                return status
            await asyncio.sleep(wait)


@dataclass
class User:
    chat: RemoteChat
    channel: Channel
    help_id: str = ""

    async def arrive(self) -> None:
        """Joins (the welcome), then asks for help: both delivered as a channel does."""
        chat = self.chat
        await self.channel.deliver(
            act.emulator_conversation_update(chat.conversation_id, chat.channel.service_url)
        )
        ask = chat.message("help")
        self.help_id = ask["id"]
        await self.channel.deliver(ask)

    def problems(self, within: TestChannel) -> list[str]:
        messages = within.messages(self.chat.conversation_id)
        found = []
        if not any(find_nonce(card) for m in messages for card in m.cards):
            found.append("no welcome")
        if not self.chat.replies_to(self.help_id):
            found.append("no answer to help")
        found += [f"said {m.text!r}" for m in messages if GENERIC_ERROR in (m.text or "")]
        return [f"{self.chat.conversation_id}: {p}" for p in found]


@asynccontextmanager
async def one_app(
    tmp_path: Any, server: PostgresServer, **settings: str
) -> AsyncIterator[tuple[AppProcess, Any]]:
    url = await asyncio.to_thread(server.new_database)
    async with shared_hubspot() as hs, TestChannel() as channel:
        apps = AppProcesses(tmp_path, database_url=url, hubspot=hs)
        app = apps.add("a", **settings)
        try:
            await app.start()
            yield app, channel
        except BaseException:
            apps.report()
            raise
        finally:
            apps.kill_all()
            if not _listening(server):
                await asyncio.to_thread(server.start)


def _listening(server: PostgresServer) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", server.port)) == 0


async def _cut(server: PostgresServer, seconds: float) -> None:
    await asyncio.to_thread(server.stop)
    await asyncio.sleep(seconds)
    await asyncio.to_thread(server.start)


async def _users(
    session: aiohttp.ClientSession, app: AppProcess, channel: TestChannel, count: int
) -> tuple[list[User], Channel]:
    posting = Channel(session, app.url)
    users = [User(RemoteChat(session, app.url, channel), posting) for _ in range(count)]
    return users, posting


async def _arrive_one_by_one(users: list[User], every: float) -> None:
    arrivals = []
    for user in users:
        arrivals.append(asyncio.create_task(user.arrive()))
        await asyncio.sleep(every)
    await asyncio.gather(*arrivals)


async def _verdict(users: list[User], channel: TestChannel, posting: Channel) -> list[str]:
    """What went wrong, once every turn had its time (a turn answered 202 replies later)."""
    deadline = time.monotonic() + 60
    # Polling: the replies arrive at a server the test only observes.
    while (problems := [p for u in users for p in u.problems(channel)]) and (  # noqa: ASYNC110
        time.monotonic() < deadline
    ):
        await asyncio.sleep(0.5)
    wrong = {s: n for s, n in posting.statuses.items() if s not in {"200", "201", "202", "503"}}
    if wrong:
        problems.append(f"answers other than 2xx or 503: {wrong}")
    if posting.retry_after_missing:
        problems.append(f"{posting.retry_after_missing} answers 503 without Retry-After")
    return problems


@pytest.mark.timeout(150)
@pytest.mark.parametrize("outage", ["restart", "cut 10 s"])
async def test_users_after_an_outage_while_idle_all_get_their_welcome(
    tmp_path, own_postgres, outage
):
    async with one_app(tmp_path, own_postgres) as (app, channel), aiohttp.ClientSession() as s:
        before, _ = await _users(s, app, channel, 2)
        await asyncio.gather(*(u.arrive() for u in before))
        if outage == "restart":
            await asyncio.to_thread(own_postgres.restart)
        else:
            await _cut(own_postgres, CUT_SECONDS)
        users, posting = await _users(s, app, channel, 16)
        await asyncio.gather(*(u.arrive() for u in users))
        problems = await _verdict(before + users, channel, posting)
        print(f"{outage} while idle: answers {dict(posting.statuses)}")
        assert not problems, f"{problems}; answers {dict(posting.statuses)}\n{app.tail(60)}"


@pytest.mark.timeout(180)
@pytest.mark.parametrize(
    ("outage", "answer_seconds"),
    # "0": the POST is answered 202 at once and the turn goes on in the background (the
    # default); "60": answered when the turn ends (the other process tests' setting).
    [("restart", "60"), ("cut 10 s", "60"), ("restart", "0"), ("cut 10 s", "0")],
)
async def test_users_arriving_through_an_outage_all_get_their_welcome(
    tmp_path, own_postgres, outage, answer_seconds
):
    async with (
        one_app(tmp_path, own_postgres, TURN_ANSWER_SECONDS=answer_seconds) as (app, channel),
        aiohttp.ClientSession() as s,
    ):
        users, posting = await _users(s, app, channel, 30)
        arriving = asyncio.create_task(_arrive_one_by_one(users, every=0.5))
        await asyncio.sleep(2.0)  # users are mid-turn when the server goes
        if outage == "restart":
            await asyncio.to_thread(own_postgres.restart)
        else:
            await _cut(own_postgres, CUT_SECONDS)
        await arriving
        problems = await _verdict(users, channel, posting)
        print(f"{outage} under traffic ({answer_seconds}): answers {dict(posting.statuses)}")
        assert not problems, f"{problems}; answers {dict(posting.statuses)}\n{app.tail(60)}"
        if outage != "restart":
            assert posting.statuses["503"], "the cut was long enough to test the redelivery"


@pytest.mark.timeout(150)
async def test_an_app_started_while_postgres_is_down_listens_and_becomes_ready(
    tmp_path, own_postgres
):
    url = await asyncio.to_thread(own_postgres.new_database)
    await asyncio.to_thread(own_postgres.stop)
    async with shared_hubspot() as hs, TestChannel() as channel:
        apps = AppProcesses(tmp_path, database_url=url, hubspot=hs)
        app = apps.add("a")
        try:
            starting = asyncio.create_task(app.start(ready_within=120))
            async with aiohttp.ClientSession() as session:
                # Alive (it listens) long before its database is there, and says so.
                deadline = time.monotonic() + 60
                while True:
                    assert not starting.done(), f"started without its database:\n{app.tail()}"
                    assert time.monotonic() < deadline, f"never listened:\n{app.tail()}"
                    try:
                        async with session.get(f"{app.url}/healthz") as resp:
                            if resp.status == 200:
                                break
                    except aiohttp.ClientConnectionError:
                        pass
                    await asyncio.sleep(0.2)
                async with session.get(f"{app.url}/readyz") as resp:
                    assert resp.status == 503, await resp.text()
                posting = Channel(session, app.url)
                user = User(RemoteChat(session, app.url, channel), posting)
                update = user.chat.message("help")
                async with session.post(f"{app.url}/api/messages", json=update) as resp:
                    assert resp.status == 503, await resp.text()
                    assert resp.headers.get("Retry-After"), dict(resp.headers)
                while app.tail(200).count("PostgreSQL is not reachable") < 3:  # its back-off
                    assert not starting.done(), f"gave up without its database:\n{app.tail()}"
                    assert time.monotonic() < deadline + 30, app.tail()
                    await asyncio.sleep(0.2)
                # A user who arrives now is delivered again until the app is ready.
                arriving = asyncio.create_task(user.arrive())
                await asyncio.sleep(1.0)
                await asyncio.to_thread(own_postgres.start)
                await starting  # /readyz 200
                await arriving
                assert not user.problems(channel), user.problems(channel)
                assert posting.statuses["503"] and not posting.retry_after_missing, posting
                assert set(posting.statuses) <= {"200", "201", "202", "503"}, posting.statuses
        except BaseException:
            apps.report()
            raise
        finally:
            apps.kill_all()
            if not _listening(own_postgres):
                await asyncio.to_thread(own_postgres.start)
