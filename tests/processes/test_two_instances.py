"""Two app instances on one PostgreSQL store, as behind a load balancer (both in this process,
each with its own store connection pools; one HubSpot): the same Confirm delivered to both at
once writes once and says so once; a Teams-style redelivery of an activity is processed once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from app import STORE_KEY
from store.postgres import PostgresStore
from tests.support import activities as act
from tests.support.botapp import Conversation, RunningApp, action_data, running_app
from tests.support.botapp import test_settings as make_settings
from tests.support.cardread import heading

ROUNDS = 10


@asynccontextmanager
async def two_instances(tmp_path, postgres) -> AsyncIterator[tuple[RunningApp, RunningApp]]:
    url = await asyncio.to_thread(postgres.new_database)
    a_settings = make_settings(tmp_path / "a", database_url=url)
    async with running_app(a_settings, store=PostgresStore(url)) as a:
        hs = a.hubspot_local
        b_settings = make_settings(
            tmp_path / "b",
            database_url=url,
            hubspot_access_token=hs.token,
            hubspot_base_url=hs.url,
        )
        async with running_app(b_settings, store=PostgresStore(url)) as b:
            yield a, b


@pytest.mark.timeout(120)
async def test_one_confirm_at_both_instances_at_once_writes_once(tmp_path, postgres, channel):
    async with two_instances(tmp_path, postgres) as (a, b):
        hs = a.hubspot_local
        jane = (
            await a.contacts.create(
                {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com"}
            )
        ).contact
        chat = Conversation(a, channel)
        await chat.start()
        for n in range(ROUNDS):
            (reply,) = await chat.say(f"update jane@acme.com company Globex {n}")
            confirm = {**action_data(reply.cards[0], "Confirm"), "nonce": chat.nonce}
            before = hs.counters["update"].committed
            activity = act.emulator_submit(chat.conversation_id, channel.service_url, confirm)
            other = {**activity, "id": activity["id"] + "-b"}  # a second click, to instance B
            start = len(channel.messages(chat.conversation_id))
            await asyncio.gather(a.post(activity), b.post(other))
            sent = channel.messages(chat.conversation_id)[start:]
            replies = [r.text or heading(r.cards[0]) for r in sent if not r.updated]
            assert hs.counters["update"].committed == before + 1, f"round {n}: {replies}"
            assert sorted(replies) == sorted(["Contact updated", _already(replies)]), (
                f"round {n}: {replies}"
            )
            assert (await a.contacts.get(jane.id)).get("company") == f"Globex {n}"
        audit = await a.app[STORE_KEY].audit_log()
        assert [e.action for e in audit] == ["update"] * ROUNDS
        assert {e.contact_id for e in audit} == {jane.id}


def _already(replies: list[str]) -> str:
    for text in replies:
        if text.startswith("That card was already used (✓ Saved by User · "):
            return text
    return "<no 'already saved' reply>"


@pytest.mark.timeout(60)
async def test_a_redelivered_activity_is_processed_once(tmp_path, postgres, channel):
    async with two_instances(tmp_path, postgres) as (a, b):
        chat = Conversation(a, channel)
        await chat.start()
        activity = act.emulator_message(
            chat.conversation_id, channel.service_url, "create Ann Park ann@park.kr"
        )
        start = len(channel.messages(chat.conversation_id))
        await a.post(activity)
        await b.post(activity)  # the channel gave up waiting and sent it again, elsewhere
        await a.post(activity)
        sent = channel.messages(chat.conversation_id)[start:]
        assert [heading(r.cards[0]) for r in sent] == ["Contact created"], sent
        assert a.hubspot_local.counters["create"].committed == 1
