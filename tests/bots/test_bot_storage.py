"""Conversation state on SQLite: it survives a restart (a pending Confirm still works after the
bot restarts), and eTags stop one turn from overwriting another's newer state."""

from __future__ import annotations

import pytest

from bots.storage import StoreStorage
from store import EtagConflict, open_store
from store.memory import MemoryStore
from store.postgres import PostgresStore
from store.sqlite import SqliteStore
from tests.support.botapp import Conversation, action_data, running_app, test_settings
from tests.support.cardread import heading


async def test_items_survive_a_new_storage_on_the_same_file(tmp_path):
    path = tmp_path / "state.sqlite3"

    async def storage() -> StoreStorage:
        store = SqliteStore(path)
        await store.open()
        return StoreStorage(store)

    first = await storage()
    item = {"data": {"lang": "ko", "names": ["김민수"]}}
    await first.write({"conv/1": item})
    assert item["e_tag"]  # the caller's dict now carries the stored eTag
    again = await (await storage()).read(["conv/1", "missing"])
    assert list(again) == ["conv/1"]
    assert again["conv/1"]["data"] == {"lang": "ko", "names": ["김민수"]}
    await (await storage()).delete(["conv/1"])
    assert await first.read(["conv/1"]) == {}


async def test_a_stale_etag_is_refused_and_star_overrides():
    storage = StoreStorage(MemoryStore())
    await storage.write({"k": {"n": 1}})
    turn_a = (await storage.read(["k"]))["k"]
    turn_b = (await storage.read(["k"]))["k"]
    await storage.write({"k": {**turn_a, "n": 2}})
    with pytest.raises(EtagConflict):
        await storage.write({"k": {**turn_b, "n": 3}})
    assert (await storage.read(["k"]))["k"]["n"] == 2
    await storage.write({"k": {**turn_b, "n": 4, "e_tag": "*"}})
    assert (await storage.read(["k"]))["k"]["n"] == 4
    # Saving twice in one turn works: the first write updated the eTag in hand.
    item = (await storage.read(["k"]))["k"]
    await storage.write({"k": item})
    await storage.write({"k": item})


def test_open_store_follows_the_settings(tmp_path):
    assert isinstance(open_store(test_settings(tmp_path)), MemoryStore)
    assert isinstance(open_store(test_settings(tmp_path, state_storage="sqlite")), SqliteStore)
    pg = open_store(test_settings(tmp_path, database_url="postgresql://u:p@127.0.0.1:1/db"))
    assert isinstance(pg, PostgresStore)


async def test_pending_confirm_survives_a_bot_restart(tmp_path, channel):
    settings = test_settings(tmp_path, state_storage="sqlite")
    async with running_app(settings) as bot:
        jane = (
            await bot.contacts.create(
                {"firstname": "Jane", "lastname": "Doe", "email": "jane@acme.com"}
            )
        ).contact
        chat = Conversation(bot, channel, locale="ko-KR")
        await chat.start()
        (reply,) = await chat.say("jane@acme.com 회사 Globex로 변경")
        confirm = action_data(reply.cards[0], "확인")
    async with running_app(settings) as bot:  # same data directory: same contacts, same state
        chat.bot = bot
        reply, ended = await chat.click(confirm)
        assert heading(reply.cards[0]) == "연락처를 수정했어요" and ended.updated
        assert (await bot.contacts.get(jane.id)).get("company") == "Globex"
        chat.locale = None  # a message that says nothing about its locale...
        (reply,) = await chat.say("?")  # ...nor its language: the remembered one
        assert heading(reply.cards[0]) == "사용 방법"
