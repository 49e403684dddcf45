"""A store that rides out PostgreSQL (issue 23, finding 5): a restart or a few seconds without
the server, while the app is idle or while turns arrive, costs users a moment, never a 500,
a generic "Something went wrong" or a lost welcome; an app started before its database waits
for it and becomes ready when it comes up.

These tests own a PostgreSQL server of their own (the session's is shared with other tests, and
they stop and restart theirs). Outages are kept to a few seconds."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest

from cards import text
from store.base import StoreUnavailable
from store.postgres import PostgresStore
from tests.support import activities as act
from tests.support.botapp import RunningApp, find_nonce, running_app, test_settings
from tests.support.channel import TestChannel
from tests.support.directline_client import DirectLineClient
from tests.support.postgres import PostgresServer, postgres_server
from tests.support.processes import AppProcesses, shared_hubspot

GENERIC_ERROR = text("en", "error")
HELP = {"type": "message", "text": "help", "locale": "en-US", "from": {"id": "me"}}


@pytest.fixture(scope="module")
def own_postgres() -> Iterator[PostgresServer]:
    with postgres_server() as server:
        if server is None:
            pytest.skip("PostgreSQL is not installed (make test installs Debian's postgresql)")
        yield server


async def _cut(server: PostgresServer, seconds: float) -> None:
    """Stop the server for `seconds`, then start it again."""
    await asyncio.to_thread(server.stop)
    await asyncio.sleep(seconds)
    await asyncio.to_thread(server.start)


# -- the store itself ----------------------------------------------------------------------------


@pytest.mark.timeout(90)
async def test_the_store_rides_out_a_restart_and_a_short_cut(own_postgres):
    url = await asyncio.to_thread(own_postgres.new_database)
    store = PostgresStore(url, retry_seconds=8.0)
    await store.open()
    try:
        await store.mark_processed("before")
        # A restart kills every pooled connection: the next calls get fresh ones.
        await asyncio.to_thread(own_postgres.restart)
        assert await store.processed("before")
        await store.write({"doc": (None, {"n": 1})})
        assert (await store.read(["doc"]))["doc"].data == {"n": 1}
        # Cut for 2 s while an idempotent call is under way: it waits and succeeds.
        cut = asyncio.create_task(_cut(own_postgres, 2.0))
        await asyncio.sleep(0.3)
        assert await store.processed("before")
        await store.mark_processed("during")
        await cut
        assert await store.processed("during")
        assert await store.reachable()
        async with store.turn("conversation"):
            pass
    finally:
        await store.close()


@pytest.mark.timeout(90)
async def test_a_longer_cut_is_store_unavailable_and_readiness_follows_the_server(own_postgres):
    url = await asyncio.to_thread(own_postgres.new_database)
    store = PostgresStore(url, retry_seconds=1.0, connect_seconds=1.0)
    await store.open()
    try:
        await asyncio.to_thread(own_postgres.stop)
        try:
            assert not await store.reachable()
            with pytest.raises(StoreUnavailable):
                await store.processed("x")  # retried, then given up
            with pytest.raises(StoreUnavailable):
                await store.write({"doc": (None, {"n": 1})})  # not safe to repeat: at once
        finally:
            await asyncio.to_thread(own_postgres.start)
        deadline = time.monotonic() + 20
        while not await store.reachable():
            assert time.monotonic() < deadline, "the store did not come back"
            await asyncio.sleep(0.2)
        await store.write({"doc": (None, {"n": 1})})
    finally:
        await store.close()


# -- the app -------------------------------------------------------------------------------------


async def _deliver(bot: RunningApp, activity: dict[str, Any], statuses: list[int]) -> None:
    """POST as a channel does: a 503 is delivered again after a moment (the channel honours
    Retry-After; the tests wait less), then the turn is waited for."""
    deadline = time.monotonic() + 40
    while True:
        resp = await bot.post(activity)
        statuses.append(resp.status)
        if resp.status != 503:
            return
        assert resp.headers.get("Retry-After"), "a 503 without Retry-After"
        assert time.monotonic() < deadline, "still 503 after 40 s"
        await asyncio.sleep(0.3)


async def _welcome(bot: RunningApp, channel: TestChannel, statuses: list[int]) -> str:
    conversation = f"blip-{uuid.uuid4().hex}|livechat"
    update = act.emulator_conversation_update(conversation, channel.service_url, "en-US")
    await _deliver(bot, update, statuses)
    return conversation


def _check_chats(channel: TestChannel, conversations: list[str]) -> None:
    for conversation in conversations:
        messages = channel.messages(conversation)
        assert not [m for m in messages if GENERIC_ERROR in (m.text or "")], conversation
        assert any(find_nonce(card) for m in messages for card in m.cards), (
            f"no welcome card in {conversation}: {[m.text for m in messages]}"
        )


@pytest.mark.timeout(120)
async def test_users_after_a_restart_while_idle_all_get_their_welcome(tmp_path, own_postgres):
    url = await asyncio.to_thread(own_postgres.new_database)
    settings = test_settings(tmp_path, database_url=url)
    statuses: list[int] = []
    async with running_app(settings, store=PostgresStore(url)) as bot, TestChannel() as channel:
        first = [await _welcome(bot, channel, statuses) for _ in range(2)]
        await asyncio.to_thread(own_postgres.restart)
        after = await asyncio.gather(*(_welcome(bot, channel, statuses) for _ in range(16)))
        _check_chats(channel, first + list(after))
        assert 500 not in statuses and all(s < 300 or s == 503 for s in statuses), statuses


@pytest.mark.timeout(120)
async def test_users_arriving_while_postgres_is_cut_all_get_their_welcome(tmp_path, own_postgres):
    url = await asyncio.to_thread(own_postgres.new_database)
    settings = test_settings(tmp_path, database_url=url)
    statuses: list[int] = []
    ready: list[int] = []
    async with running_app(settings, store=PostgresStore(url)) as bot, TestChannel() as channel:
        async with bot.session.get(f"{bot.url}/readyz") as resp:
            ready.append(resp.status)
        # Longer than a POST waits for a connection (3 s): some are answered 503 and delivered
        # again, as a channel does.
        cut = asyncio.create_task(_cut(own_postgres, 5.0))
        arrivals = []
        for _ in range(16):  # users keep arriving through the cut and after it
            arrivals.append(asyncio.create_task(_welcome(bot, channel, statuses)))
            await asyncio.sleep(0.4)
            if len(arrivals) == 3:
                async with bot.session.get(f"{bot.url}/readyz") as resp:
                    ready.append(resp.status)
        await cut
        conversations = await asyncio.gather(*arrivals)
        async with bot.session.get(f"{bot.url}/healthz") as resp:
            assert resp.status == 200  # liveness never depended on the store
        deadline = time.monotonic() + 20
        while True:
            async with bot.session.get(f"{bot.url}/readyz") as resp:
                if resp.status == 200:
                    break
            assert time.monotonic() < deadline
            await asyncio.sleep(0.2)
        _check_chats(channel, list(conversations))
        assert 500 not in statuses and all(s < 300 or s == 503 for s in statuses), statuses
        assert ready[:2] == [200, 503], ready
        assert 503 in statuses, statuses  # the cut was long enough to test the redelivery


@pytest.mark.timeout(120)
async def test_an_app_started_before_postgres_waits_and_becomes_ready(tmp_path, own_postgres):
    url = await asyncio.to_thread(own_postgres.new_database)
    await asyncio.to_thread(own_postgres.stop)
    async with shared_hubspot() as hs:
        apps = AppProcesses(tmp_path, database_url=url, hubspot=hs)
        app = apps.add("a")
        try:
            starting = asyncio.create_task(app.start(ready_within=90))
            # The app says it is waiting (it may take seconds to get that far on a busy machine)
            # and keeps waiting, rather than exiting.
            deadline = time.monotonic() + 60
            while app.tail(200).count("PostgreSQL is not reachable") < 3:
                assert not starting.done(), "the app gave up (or started) without its database"
                assert time.monotonic() < deadline, app.tail()
                await asyncio.sleep(0.2)
            await asyncio.to_thread(own_postgres.start)
            await starting
            async with aiohttp.ClientSession() as session:
                async with session.get(f"{app.url}/readyz") as resp:
                    assert resp.status == 200
        finally:
            apps.kill_all()
            if not own_postgres_running(own_postgres):
                await asyncio.to_thread(own_postgres.start)


def own_postgres_running(server: PostgresServer) -> bool:
    import socket

    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", server.port)) == 0


@pytest.mark.timeout(90)
async def test_direct_line_answers_503_with_retry_after_while_postgres_is_away(
    tmp_path, own_postgres
):
    url = await asyncio.to_thread(own_postgres.new_database)
    settings = test_settings(tmp_path, database_url=url)
    async with running_app(settings, store=PostgresStore(url)) as bot:
        dl = DirectLineClient(bot.session, bot.url)
        conv = await dl.page_token()
        await dl.start(conv, locale="en-US")
        await dl.wait_for(conv, lambda a: a.get("attachments"))
        await asyncio.sleep(0.5)  # the welcome turn ended (its state saved)
        await asyncio.to_thread(own_postgres.stop)
        try:
            answer = await dl.post(conv, HELP)
            assert answer.status == 503, answer
            assert answer.headers.get("Retry-After"), answer
            assert answer.body["error"]["code"] == "ServiceUnavailable", answer
        finally:
            await asyncio.to_thread(own_postgres.start)
        deadline = time.monotonic() + 30
        while (answer := await dl.post(conv, HELP)).status == 503:  # the page sends again
            assert time.monotonic() < deadline, answer
            await asyncio.sleep(0.3)
        assert answer.status == 200, answer
        # The bot answers the message (after the welcome), and not with the generic error.
        reply = await dl.wait_for(conv, lambda a: "What I can do" in str(a))  # the help card
        assert GENERIC_ERROR not in str(reply)
