"""Issue 23, finding 8: with PostgreSQL (several instances) the Web Chat limits hold for the
whole deployment, counted in the store, not once per instance; and every page the app serves,
the local HubSpot's record page included, carries a Content-Security-Policy."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import pytest

from hubspot_local.controls import LOCAL_PORTAL_ID
from store.postgres import PostgresStore
from tests.support.botapp import RunningApp, running_app, test_settings
from tests.support.directline_client import DirectLineClient

LIMITS = {
    "webchat_tokens_per_minute": 4,
    "webchat_conversations_per_minute": 3,
    "webchat_address_per_minute": 6,
    "messages_per_minute": 5,
}


@asynccontextmanager
async def two_instances(tmp_path, postgres) -> AsyncIterator[tuple[RunningApp, RunningApp]]:
    url = await asyncio.to_thread(postgres.new_database)
    a_settings = test_settings(tmp_path / "a", database_url=url, **LIMITS)
    async with running_app(a_settings, store=PostgresStore(url)) as a:
        hs = a.hubspot_local
        b_settings = test_settings(
            tmp_path / "b",
            database_url=url,
            hubspot_access_token=hs.token,
            hubspot_base_url=hs.url,
            **LIMITS,
        )
        async with running_app(b_settings, store=PostgresStore(url)) as b:
            yield a, b


async def _page_token(bot: RunningApp) -> int:
    async with bot.session.post(f"{bot.url}/api/webchat/token") as resp:
        await resp.read()
        return resp.status


@pytest.mark.timeout(90)
async def test_two_instances_share_one_limit(tmp_path, postgres):
    async with two_instances(tmp_path, postgres) as (a, b):
        # Page tokens, alternating between the instances: the address allows 6 a minute in all
        # (each instance counting its own allowed 12).
        statuses = [await _page_token((a, b)[i % 2]) for i in range(12)]
        assert statuses.count(200) == LIMITS["webchat_address_per_minute"], statuses
        assert set(statuses) == {200, 429}, statuses


@pytest.mark.timeout(90)
async def test_two_instances_share_the_message_limit(tmp_path, postgres):
    url = await asyncio.to_thread(postgres.new_database)
    settings = test_settings(tmp_path / "a", database_url=url, **LIMITS)
    async with running_app(settings, store=PostgresStore(url)) as a:
        hs = a.hubspot_local
        b_settings = test_settings(
            tmp_path / "b",
            database_url=url,
            hubspot_access_token=hs.token,
            hubspot_base_url=hs.url,
            **LIMITS,
        )
        async with running_app(b_settings, store=PostgresStore(url)) as b:
            dl_a = DirectLineClient(a.session, a.url)
            dl_b = DirectLineClient(b.session, b.url)
            conv = await dl_a.page_token()
            await dl_a.start(conv, locale="en-US")
            statuses = []
            for i in range(10):  # one conversation's posts spread over both instances
                dl = (dl_a, dl_b)[i % 2]
                answer = await dl.post(
                    conv, {"type": "message", "text": "hi", "from": {"id": conv.user_id}}
                )
                statuses.append(answer.status)
            assert statuses.count(200) == LIMITS["messages_per_minute"], statuses
            assert set(statuses) == {200, 429}, statuses
            # The channel said so in the chat once, not once a refused post.
            seen = await dl_a.poll(conv)
            notices = [x for x in seen if "too quickly" in str(x.get("text"))]
            assert len(notices) == 1, [x.get("text") for x in seen]


def _html_pages(bot: RunningApp, contact_id: str) -> list[str]:
    hs = bot.hubspot_local.url
    return [
        f"{bot.url}/",
        f"{bot.url}/no-such-page",
        f"{hs}/contacts/{LOCAL_PORTAL_ID}/record/0-1/{contact_id}",
        f"{hs}/contacts/{LOCAL_PORTAL_ID}/record/0-1/999999",
    ]


@pytest.mark.timeout(60)
async def test_every_page_the_app_serves_carries_a_content_security_policy(tmp_path):
    async with running_app(test_settings(tmp_path)) as bot:
        jane = (
            await bot.contacts.create(
                {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com"}
            )
        ).contact
        seen: dict[str, Any] = {}
        async with aiohttp.ClientSession() as session:
            for url in _html_pages(bot, jane.id):
                async with session.get(url, headers={"Accept": "text/html"}) as resp:
                    await resp.text()
                    seen[url] = (resp.status, resp.content_type)
                    if resp.content_type == "text/html":
                        policy = resp.headers.get("Content-Security-Policy", "")
                        assert "default-src" in policy, (url, dict(resp.headers))
                        assert "frame-ancestors" in policy, url
        record = _html_pages(bot, jane.id)[2]
        assert seen[record] == (200, "text/html"), seen
        async with aiohttp.ClientSession() as session, session.get(record) as resp:
            assert "Jane Doe" in await resp.text()
            assert "script-src" not in resp.headers["Content-Security-Policy"]  # none at all
        assert seen[f"{bot.url}/"][1] == "text/html"
