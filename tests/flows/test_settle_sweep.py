"""Writes nobody came back for: the settle sweep reads HubSpot for the records left "attempted"
or "may-have-been-written" and resolves them in place, so every write HubSpot holds ends with
one applied record naming who asked, and no record claims a write HubSpot lacks.

The sweep is driven here by hand (`SettleSweep.once`) with a clock set a minute ahead, as it
runs a minute after the writes in an instance; the app's own sweep runs too, and whichever
resolves a record first decides (the store settles a claim once)."""

from __future__ import annotations

import asyncio
import time

from flows.settle import Settled, Settler
from flows.settle_sweep import RETRY_SECONDS, SettleSweep
from flows.writes import Actor, WriteLedger
from ground.ids import new_email_claim_key
from hubspot_local.options import Faults
from store.base import APPLIED, IN_DOUBT, NOT_DONE
from store.memory import MemoryStore
from tests.support.botapp import Conversation, RunningApp, running_app
from tests.support.botapp import test_settings as make_settings

KIM = {"firstname": "Kim", "lastname": "Park", "email": "kim@park.kr"}
ANN = Actor("aad-ann", "Ann", "emulator", "conv-ann")


class Clock:
    def __init__(self, ahead: float = 60.0) -> None:
        self.ahead = ahead

    def __call__(self) -> float:
        return time.time() + self.ahead


def _sweep(bot: RunningApp, store: MemoryStore, clock: Clock | None = None) -> SettleSweep:
    ledger = WriteLedger(store)
    return SettleSweep(
        store=store,
        settler=Settler(contacts=bot.contacts, ledger=ledger),
        action_seconds=bot.contacts.action_seconds,
        clock=clock or Clock(),
    )


def _settings(tmp_path):
    return make_settings(tmp_path, hubspot_action_seconds=1.0)


async def test_a_create_left_may_have_been_saved_ends_applied_naming_who_asked(tmp_path, channel):
    store = MemoryStore()
    async with running_app(_settings(tmp_path), store=store) as bot:
        chat = Conversation(bot, channel)
        await chat.start()
        # HubSpot commits the create, then does not answer before the action's deadline.
        bot.hubspot_local.controls.faults = Faults(
            rate=1.0,
            hang_share=1.0,
            hang_seconds=3.0,
            after_commit_share=1.0,
            routes=frozenset({"create", "batch_create"}),
        )
        replies = await chat.say("create Kim Park kim@park.kr")
        bot.hubspot_local.controls.faults = Faults()
        said = " ".join(r.text or "" for r in replies)
        assert "did not confirm the save" in said, said
        (doubt,) = await store.audit_log()
        assert doubt.outcome == IN_DOUBT and doubt.actor_id
        counts = await _sweep(bot, store).once()
        assert counts[Settled.SAVED] == 1
        kim = await bot.contacts.find_by_email("kim@park.kr")
        (entry,) = await store.audit_log()
        assert (entry.outcome, entry.action, entry.contact_id) == (APPLIED, "create", kim.id)
        assert (entry.actor_id, entry.conversation) == (doubt.actor_id, chat.conversation_id)
        done = await store.lookup_claim(entry.claim)
        assert done is not None and done.state == "done"
        assert bot.hubspot_local.counters["create"].committed == 1  # read, never written again
        assert sum((await _sweep(bot, store).once()).values()) == 0  # nothing left open


async def test_an_attempt_hubspot_lacks_ends_not_done_and_may_be_made_again(tmp_path, channel):
    store = MemoryStore()
    async with running_app(_settings(tmp_path), store=store) as bot:
        ledger = WriteLedger(store, clock=Clock(-60.0))  # the writer died a minute ago
        claim = await ledger.claim("create/dead", ANN, action="create", properties=KIM)
        assert claim.fresh
        counts = await _sweep(bot, store).once()
        assert counts[Settled.NOT_SAVED] == 1
        (entry,) = await store.audit_log()
        assert (entry.outcome, entry.actor_id, entry.target) == (NOT_DONE, "aad-ann", KIM["email"])
        assert await store.lookup_claim("create/dead") is None
        assert bot.hubspot_local.counters["create"].committed == 0


async def test_a_write_hubspot_cannot_confirm_stays_in_doubt_and_is_read_again_later(
    tmp_path, channel
):
    store = MemoryStore()
    async with running_app(_settings(tmp_path), store=store) as bot:
        jane = (await bot.contacts.create(dict(KIM))).contact
        ledger = WriteLedger(store, clock=Clock(-60.0))
        await ledger.claim(
            "update/dead",
            ANN,
            action="update",
            contact_id=jane.id,
            properties={"company": "Globex"},
            old={"company": ""},
        )
        await bot.contacts.apply_update(
            await bot.contacts.plan_update(jane.id, {"company": "Globex"})
        )  # it landed, then the kill
        clock = Clock()
        sweep = _sweep(bot, store, clock)
        bot.hubspot_local.controls.faults = Faults(rate=1.0, statuses=(503,))
        assert (await sweep.once())[Settled.UNKNOWN] == 1
        bot.hubspot_local.controls.faults = Faults()
        (entry,) = await store.audit_log()
        assert entry.outcome == IN_DOUBT
        assert sum((await sweep.once()).values()) == 0  # not asked again at once
        clock.ahead += RETRY_SECONDS[0]
        assert (await sweep.once())[Settled.SAVED] == 1
        (entry,) = await store.audit_log()
        assert (entry.outcome, entry.contact_id, entry.actor_id) == (APPLIED, jane.id, "aad-ann")
        assert bot.hubspot_local.counters["update"].committed == 1


async def test_two_instances_sweeping_at_once_settle_a_write_once(tmp_path, channel):
    store = MemoryStore()
    async with running_app(_settings(tmp_path), store=store) as bot:
        ledger = WriteLedger(store, clock=Clock(-60.0))
        await ledger.claim("create/dead", ANN, action="create", properties=KIM)
        kim = (await bot.contacts.create(dict(KIM))).contact
        one, two = await asyncio.gather(_sweep(bot, store).once(), _sweep(bot, store).once())
        assert one[Settled.SAVED] + two[Settled.SAVED] == 1
        (entry,) = await store.audit_log()
        assert (entry.outcome, entry.contact_id) == (APPLIED, kim.id)


async def test_a_write_whose_writer_may_still_be_at_it_is_left_alone(tmp_path, channel):
    """Until the writer's deadline and a margin have passed, a request of it may still land:
    the record is not read for, whatever HubSpot holds now."""
    store = MemoryStore()
    async with running_app(_settings(tmp_path), store=store) as bot:
        await WriteLedger(store).claim("create/now", ANN, action="create", properties=KIM)
        assert sum((await _sweep(bot, store, Clock(0.0)).once()).values()) == 0
        (entry,) = await store.audit_log()
        assert entry.outcome == "attempted"
        still = await store.lookup_claim("create/now")
        assert still is not None and still.state == "claimed"


async def test_a_create_its_user_edited_before_the_sweep_came_is_still_theirs(tmp_path, channel):
    """The sweep reads late: the user may have found the contact and changed it meanwhile. A
    field that differs from the create's value only because an update recorded applied to this
    contact since set it is no evidence against the create."""
    store = MemoryStore()
    async with running_app(_settings(tmp_path), store=store) as bot:
        ledger = WriteLedger(store, clock=Clock(-60.0))
        await ledger.claim("create/dead", ANN, action="create", properties=KIM)
        kim = (await bot.contacts.create(dict(KIM))).contact  # it landed, then the kill
        await bot.contacts.apply_update(
            await bot.contacts.plan_update(kim.id, {"firstname": "Kimmy"})
        )
        await WriteLedger(store, clock=Clock(-30.0)).done(
            None,
            ANN,
            action="update",
            contact_id=kim.id,
            properties={"firstname": "Kimmy"},
            old={"firstname": "Kim"},
        )
        assert (await _sweep(bot, store).once())[Settled.SAVED] == 1
        creates = [e for e in await store.audit_log() if e.action == "create"]
        assert [(e.outcome, e.contact_id, e.actor_id) for e in creates] == [
            (APPLIED, kim.id, "aad-ann")
        ]


async def test_someone_elses_contact_with_the_email_is_not_taken_for_ours(tmp_path, channel):
    store = MemoryStore()
    async with running_app(_settings(tmp_path), store=store) as bot:
        ledger = WriteLedger(store, clock=Clock(-60.0))
        await ledger.claim("create/dead", ANN, action="create", properties=KIM)
        theirs = (await bot.contacts.create({**KIM, "firstname": "Minho"})).contact
        await WriteLedger(store, clock=Clock(-30.0)).done(
            None,
            Actor("aad-bo", "Bo", "emulator", "conv-bo"),
            action="update",
            contact_id=theirs.id,
            properties={"company": "Globex"},
        )
        assert (await _sweep(bot, store).once())[Settled.NOT_SAVED] == 1
        creates = [e for e in await store.audit_log() if e.action == "create"]
        assert [(e.outcome, e.actor_id) for e in creates] == [(NOT_DONE, "aad-ann")]


async def test_a_contact_two_messages_may_have_made_has_one_applied_create(tmp_path, channel):
    """A page sends its create again after a cut: the first message's write landed, the second
    found the contact (its values, so its own) and said created. One contact, one create: the
    sweep settling the first finds it recorded already and records the first not-done."""
    store = MemoryStore()
    async with running_app(_settings(tmp_path), store=store) as bot:
        await WriteLedger(store, clock=Clock(-60.0)).claim(
            "create/first", ANN, action="create", properties=KIM
        )
        kim = (await bot.contacts.create(dict(KIM))).contact
        ledger = WriteLedger(store)
        assert (await ledger.claim("create/second", ANN, action="create", properties=KIM)).fresh
        await ledger.done("create/second", ANN, action="create", contact_id=kim.id, properties=KIM)
        await _sweep(bot, store).once()
        creates = sorted((e.claim, e.outcome) for e in await store.audit_log())
        assert creates == [("create/first", NOT_DONE), ("create/second", APPLIED)]


async def test_a_create_settled_first_keeps_its_record_when_a_later_one_finds_it(tmp_path, channel):
    store = MemoryStore()
    async with running_app(_settings(tmp_path), store=store) as bot:
        await WriteLedger(store, clock=Clock(-60.0)).claim(
            "create/first", ANN, action="create", properties=KIM
        )
        kim = (await bot.contacts.create(dict(KIM))).contact
        assert (await _sweep(bot, store).once())[Settled.SAVED] == 1
        ledger = WriteLedger(store)
        await ledger.claim("create/second", ANN, action="create", properties=KIM)
        await ledger.done("create/second", ANN, action="create", contact_id=kim.id, properties=KIM)
        creates = sorted((e.claim, e.outcome, e.contact_id) for e in await store.audit_log())
        assert creates == [("create/first", APPLIED, kim.id), ("create/second", NOT_DONE, kim.id)]


async def test_a_create_kept_waiting_by_another_create_of_the_email_may_have_been_saved(
    tmp_path, channel
):
    """The other create holding the email's claim may be this user's own earlier message, cut
    off after HubSpot took it: "nothing was changed" could be false, so the user hears "may
    have been saved" and the sweep settles this record once HubSpot can say."""
    store = MemoryStore()
    async with running_app(_settings(tmp_path), store=store) as bot:
        chat = Conversation(bot, channel)
        await chat.start()
        assert await store.lease_take(
            new_email_claim_key(KIM["email"]), owner="cut-instance", seconds=30
        )
        replies = await chat.say("create Kim Park kim@park.kr")
        said = " ".join(r.text or "" for r in replies)
        assert "may or may not have been saved" in said, said
        assert "Nothing was changed" not in said
        (entry,) = await store.audit_log()
        assert entry.outcome == IN_DOUBT
        assert bot.hubspot_local.counters["create"].total == 0
        assert (await _sweep(bot, store).once())[Settled.NOT_SAVED] == 1
        assert [e.outcome for e in await store.audit_log()] == [NOT_DONE]


async def test_a_create_edited_by_an_update_still_open_is_still_theirs(tmp_path, channel):
    """The user's update of the contact was itself cut off (its record still open) when the
    sweep read the create: the value it set is still no evidence against the create."""
    store = MemoryStore()
    async with running_app(_settings(tmp_path), store=store) as bot:
        await WriteLedger(store, clock=Clock(-60.0)).claim(
            "create/dead", ANN, action="create", properties=KIM
        )
        kim = (await bot.contacts.create(dict(KIM))).contact
        await WriteLedger(store, clock=Clock(-30.0)).claim(
            "update/cut",
            ANN,
            action="update",
            contact_id=kim.id,
            properties={"lastname": "Parks"},
            old={"lastname": "Park"},
        )
        await bot.contacts.apply_update(
            await bot.contacts.plan_update(kim.id, {"lastname": "Parks"})
        )
        counts = await _sweep(bot, store).once()
        assert counts[Settled.SAVED] == 2  # the create, and the update it found there
        assert sorted((e.action, e.outcome) for e in await store.audit_log()) == [
            ("create", APPLIED),
            ("update", APPLIED),
        ]
