"""An app whose store is not there yet listens anyway (bots/starting.py, issue 23 finding 5):
alive, not ready, every channel POST answered 503 with Retry-After (never a refused
connection, never a 500), and once the store opens it is ready and the delivered-again welcome
arrives. In process, with a store that opens when the test lets it; the real PostgreSQL case is
tests/processes/test_postgres_outages.py."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from store.memory import MemoryStore
from tests.support import activities as act
from tests.support.botapp import find_nonce, running_app, test_settings
from tests.support.channel import TestChannel
from tests.support.waiting import until


class LateStore(MemoryStore):
    """A memory store that opens only once `arrive` is set, as a database started late."""

    def __init__(self) -> None:
        super().__init__()
        self.arrive = asyncio.Event()

    async def open(self) -> None:
        await self.arrive.wait()
        await super().open()


@pytest.mark.timeout(30)
async def test_the_app_listens_before_its_store_opens_and_answers_once_it_does(tmp_path):
    store = LateStore()
    settings = test_settings(tmp_path)
    async with (
        running_app(settings, store=store, background_start=True) as bot,
        TestChannel() as channel,
    ):
        async with bot.session.get(f"{bot.url}/healthz") as resp:
            assert resp.status == 200
        async with bot.session.get(f"{bot.url}/readyz") as resp:
            assert resp.status == 503
            assert (await resp.json())["status"] == "starting"
        conversation = f"late-{uuid.uuid4().hex}|livechat"
        update = act.emulator_conversation_update(conversation, channel.service_url)
        resp = await bot.post(update)
        assert resp.status == 503
        assert int(resp.headers["Retry-After"]) > 0
        async with bot.session.get(f"{bot.url}/") as page:  # the Web Chat page waits too
            assert page.status == 503

        store.arrive.set()

        async def ready() -> bool:
            async with bot.session.get(f"{bot.url}/readyz") as resp:
                return resp.status == 200

        for _ in range(200):
            if await ready():
                break
            await asyncio.sleep(0.05)
        assert await ready(), "not ready after its store opened"
        resp = await bot.post(update)  # the channel delivers it again
        assert resp.status in (200, 201, 202)
        await until(
            lambda: any(find_nonce(c) for m in channel.messages(conversation) for c in m.cards),
            within=10,
            what="the welcome card",
        )
