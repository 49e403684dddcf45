"""A write cut off by its instance dying: the turn that meets it reads HubSpot and says what
HubSpot holds, and the audit log keeps exactly one record of it, naming who asked.

"Cut after the claim" is left in the store as a dead instance leaves it: the claim and its
"attempted" record, written a minute ago (so the dead writer's deadline for HubSpot is long
past); whether HubSpot got the write is set up by writing it, or not, straight to HubSpot."""

from __future__ import annotations

import time
from typing import Any

from flows.settle import MARGIN_SECONDS, Settled, Settler
from flows.writes import Actor, WriteLedger
from hubspot_local.options import Faults
from store.base import APPLIED, IN_DOUBT, NOT_DONE
from store.memory import MemoryStore
from tests.support import activities as act
from tests.support.botapp import Conversation, RunningApp, action_data, running_app
from tests.support.botapp import test_settings as make_settings
from tests.support.cardread import heading, texts
from tests.support.channel import TestChannel

KIM = {"firstname": "Kim", "lastname": "Park", "email": "kim@park.kr"}


class Clock:
    """The store's clock, set back while a test plays the instance that died a minute ago."""

    def __init__(self) -> None:
        self.back = 0.0

    def __call__(self) -> float:
        return time.time() - self.back


async def _as_dead_writer(store: MemoryStore, clock: Clock, key: str, chat: Conversation, **w):
    """Claim `key` with its attempted record as the instance that died did, a minute ago."""
    sender = act.emulator_message(chat.conversation_id, "http://x", "x")["from"]
    actor = Actor(sender["id"], sender.get("name", ""), "emulator", chat.conversation_id)
    clock.back = 60.0
    try:
        claim = await WriteLedger(store, clock=clock).claim(key, actor, **w)
    finally:
        clock.back = 0.0
    assert claim.fresh


async def _pending_confirm(bot: RunningApp, channel: TestChannel) -> tuple[Conversation, Any, dict]:
    jane = (
        await bot.contacts.create({"firstname": "Jane", "lastname": "Doe", "email": "j@acme.com"})
    ).contact
    chat = Conversation(bot, channel)
    await chat.start()
    (reply,) = await chat.say("update j@acme.com company Globex")
    return chat, jane, action_data(reply.cards[0], "Confirm")


async def _cut_confirm(store, clock, chat, jane, confirm) -> str:
    key = f"update/emulator/{chat.conversation_id}/{confirm['pending_id']}"
    await _as_dead_writer(
        store,
        clock,
        key,
        chat,
        action="update",
        contact_id=jane.id,
        properties={"company": "Globex"},
        old={"company": ""},
    )
    return key


async def test_a_confirm_is_attempted_then_applied_in_one_record(tmp_path, channel):
    store = MemoryStore()
    async with running_app(make_settings(tmp_path), store=store) as bot:
        chat, jane, confirm = await _pending_confirm(bot, channel)
        controls = bot.hubspot_local.controls
        controls.faults = Faults(rate=1.0, statuses=(503,), after_commit_share=0.0)
        (reply, *_) = await chat.click(confirm)
        controls.faults = Faults()
        assert "Contact updated" not in str(reply.cards)
        (entry,) = await store.audit_log()
        assert (entry.outcome, entry.properties) == (NOT_DONE, {"company": "Globex"})
        (reply, *_) = await chat.click(confirm)  # nothing was written: the same card saves it
        assert heading(reply.cards[0]) == "Contact updated"
        applied, not_done = await store.audit_log()
        assert (applied.outcome, not_done.outcome) == (APPLIED, NOT_DONE)
        assert applied.actor_id == not_done.actor_id and applied.contact_id == jane.id


async def test_a_cut_confirm_that_hubspot_holds_is_told_saved(tmp_path, channel):
    clock = Clock()
    store = MemoryStore(clock=clock)
    async with running_app(make_settings(tmp_path), store=store) as bot:
        chat, jane, confirm = await _pending_confirm(bot, channel)
        await _cut_confirm(store, clock, chat, jane, confirm)
        # It landed in HubSpot, then the kill.
        await bot.contacts.apply_update(
            await bot.contacts.plan_update(jane.id, {"company": "Globex"})
        )
        reply, card, ended = await chat.click(confirm)
        assert reply.text.startswith("I was interrupted while saving this"), reply.text
        assert "the change was saved" in reply.text
        assert heading(card.cards[0]) == "Contact updated"
        assert ended.updated and "did not confirm" not in texts(ended.cards[0])[-1]
        (entry,) = await store.audit_log()
        assert (entry.outcome, entry.contact_id, entry.properties) == (
            APPLIED,
            jane.id,
            {"company": "Globex"},
        )
        assert entry.actor_id and entry.conversation == chat.conversation_id
        (again, *_) = await chat.click(confirm)  # the card is used: nothing is written twice
        assert "did nothing again" in again.text, again.text
        assert bot.hubspot_local.counters["update"].committed == 1


async def test_a_cut_confirm_that_hubspot_lacks_is_told_not_saved_and_can_be_saved(
    tmp_path, channel
):
    clock = Clock()
    store = MemoryStore(clock=clock)
    async with running_app(make_settings(tmp_path), store=store) as bot:
        chat, jane, confirm = await _pending_confirm(bot, channel)
        key = await _cut_confirm(store, clock, chat, jane, confirm)
        (reply,) = await chat.click(confirm)
        assert "nothing was saved. Press Confirm" in reply.text, reply.text
        assert (await bot.contacts.get(jane.id)).get("company") == ""
        (entry,) = await store.audit_log()
        assert entry.outcome == NOT_DONE
        assert await store.lookup_claim(key) is None
        (reply, *_) = await chat.click(confirm)
        assert heading(reply.cards[0]) == "Contact updated"
        assert (await bot.contacts.get(jane.id)).get("company") == "Globex"
        assert [e.outcome for e in await store.audit_log()] == [APPLIED, NOT_DONE]


async def test_a_cut_confirm_hubspot_cannot_be_read_for_may_have_been_saved(tmp_path, channel):
    clock = Clock()
    store = MemoryStore(clock=clock)
    async with running_app(make_settings(tmp_path), store=store) as bot:
        chat, jane, confirm = await _pending_confirm(bot, channel)
        await _cut_confirm(store, clock, chat, jane, confirm)
        bot.hubspot_local.controls.faults = Faults(
            rate=1.0, statuses=(503,), after_commit_share=0.0
        )
        (reply, *_) = await chat.click(confirm)
        bot.hubspot_local.controls.faults = Faults()
        assert reply.text.startswith("I can't tell whether this was saved"), reply.text
        (entry,) = await store.audit_log()
        assert entry.outcome == IN_DOUBT
        # The card stays: HubSpot back, the next press reads it and settles the same record.
        (reply, *_) = await chat.click(confirm)
        assert "nothing was saved" in reply.text, reply.text
        assert [e.outcome for e in await store.audit_log()] == [NOT_DONE]


async def _cut_create(bot, store, clock, chat, channel) -> dict[str, Any]:
    activity = act.emulator_message(
        chat.conversation_id, channel.service_url, "create Kim Park kim@park.kr"
    )
    key = f"create/emulator/{chat.conversation_id}/{activity['id']}"
    await _as_dead_writer(
        store, clock, key, chat, action="create", contact_id="", properties=dict(KIM)
    )
    return activity


async def test_a_cut_create_that_hubspot_holds_is_told_created(tmp_path, channel):
    clock = Clock()
    store = MemoryStore(clock=clock)
    async with running_app(make_settings(tmp_path), store=store) as bot:
        chat = Conversation(bot, channel)
        await chat.start()
        activity = await _cut_create(bot, store, clock, chat, channel)
        kim = (await bot.contacts.create(dict(KIM))).contact  # it landed, then the kill
        start = len(channel.messages(chat.conversation_id))
        await bot.post(activity)  # the channel delivers it again (or the inbox takes it over)
        reply, card = channel.messages(chat.conversation_id)[start:]
        assert "it was created" in reply.text, reply.text
        assert heading(card.cards[0]) == "Contact created"
        (entry,) = await store.audit_log()
        assert (entry.outcome, entry.action, entry.contact_id) == (APPLIED, "create", kim.id)
        assert entry.properties["email"] == "kim@park.kr" and entry.actor_id
        assert bot.hubspot_local.counters["create"].committed == 1


async def test_a_cut_create_that_hubspot_lacks_is_offered_again(tmp_path, channel):
    clock = Clock()
    store = MemoryStore(clock=clock)
    async with running_app(make_settings(tmp_path), store=store) as bot:
        chat = Conversation(bot, channel)
        await chat.start()
        activity = await _cut_create(bot, store, clock, chat, channel)
        start = len(channel.messages(chat.conversation_id))
        await bot.post(activity)
        (reply,) = channel.messages(chat.conversation_id)[start:]
        assert any("it was not created" in t for t in texts(reply.cards[0])), texts(reply.cards[0])
        assert bot.hubspot_local.counters["create"].committed == 0
        (entry,) = await store.audit_log()
        assert entry.outcome == NOT_DONE and entry.target == "kim@park.kr"
        (reply, *_) = await chat.click({**action_data(reply.cards[0], "Create"), **KIM})
        assert heading(reply.cards[0]) == "Contact created"
        assert [e.outcome for e in await store.audit_log()] == [APPLIED, NOT_DONE]
        assert bot.hubspot_local.counters["create"].committed == 1


async def test_a_claim_younger_than_its_writers_deadline_waits_for_it(tmp_path, channel):
    """The writer may have sent its request just before it died: nothing is read before the
    writer's deadline for HubSpot has passed; another conversation's claim is never settled."""
    store = MemoryStore()
    async with running_app(make_settings(tmp_path), store=store) as bot:
        waited: list[float] = []

        async def sleep(seconds: float) -> None:
            waited.append(seconds)

        ledger = WriteLedger(store)
        settler = Settler(contacts=bot.contacts, ledger=ledger, sleep=sleep)
        actor = Actor("u1", "Ann", "emulator", "c1")
        other = await ledger.claim("create/x", actor, action="create", properties=KIM)
        assert await settler.settle(other, Actor("u1", "Ann", "emulator", "c2")) is None
        settled = await settler.settle(other, actor)
        assert settled is not None and settled.outcome is Settled.NOT_SAVED
        (wait,) = waited
        assert bot.contacts.action_seconds < wait <= bot.contacts.action_seconds + MARGIN_SECONDS
        assert [e.outcome for e in await store.audit_log()] == [NOT_DONE]
