"""Issue 23.3 with real processes: two `python app.py` instances on one PostgreSQL, one killed
(-9) in the middle of a Confirm, after its claim. The other takes the turn over from the shared
inbox, reads HubSpot and tells the user what HubSpot holds; the audit log ends with exactly one
record per write HubSpot holds, naming the user who asked, and none for a write it lacks."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from hubspot_local.options import Faults
from store.postgres import PostgresStore
from tests.support.botapp import action_data, find_nonce
from tests.support.cardread import texts as card_texts
from tests.support.channel import TestChannel
from tests.support.cluster import (  # noqa: F401  (reaper: a fixture)
    add_contact,
    confirm_of,
    contacts_with_email,
    reaper,
    texts,
)
from tests.support.gate import HubSpotGate
from tests.support.processes import AppProcesses, shared_hubspot
from tests.support.remote_chat import RemoteChat, post_activity
from tests.support.waiting import until

NOT_SAVED = "I was interrupted before HubSpot took this change"
SAVED = "I was interrupted while saving this, so I checked HubSpot: the change was saved."
CREATED = "I was interrupted while creating this contact, so I checked HubSpot: it was created."


async def audit_of(url: str) -> list:
    store = PostgresStore(url)
    await store.open()
    try:
        return list(reversed(await store.audit_log(limit=1000)))  # oldest first
    finally:
        await store.close()


async def attempted(url: str, wanted: int) -> None:
    """Wait until the audit log holds `wanted` attempted records (the claims were taken)."""
    async with asyncio.timeout(30):
        while sum(e.outcome == "attempted" for e in await audit_of(url)) < wanted:  # noqa: ASYNC110
            await asyncio.sleep(0.05)  # another process writes it: nothing here to wait on


@pytest.mark.timeout(170)
async def test_a_confirm_cut_by_its_instance_dying_is_settled_by_the_other(
    tmp_path,
    postgres,
    reaper,  # noqa: F811
):
    url = await asyncio.to_thread(postgres.new_database)
    async with shared_hubspot() as hs, HubSpotGate(hs.url) as gate, TestChannel() as channel:
        jane = await add_contact(hs, firstname="Jane", lastname="Doe", email="jane@acme.com")
        async with AppProcesses(tmp_path, database_url=url, hubspot=hs) as apps:
            reaper.append(apps)
            # A short HubSpot deadline: the takeover waits it out (plus 3 s) before reading.
            env = {"TURN_ANSWER_SECONDS": "0", "HUBSPOT_BASE_URL": gate.url}
            a = apps.add("a", HUBSPOT_ACTION_SECONDS="4", **env)
            b = apps.add("b", HUBSPOT_ACTION_SECONDS="4", **env)
            await asyncio.gather(a.start(), b.start())
            async with aiohttp.ClientSession() as session:
                chat = RemoteChat(session, a.url, channel, reply_wait=60)
                await chat.start()

                # 1. Killed after the claim, before HubSpot was asked: not saved, said so.
                confirm = confirm_of(await chat.say("update jane@acme.com company Globex"))
                assert confirm is not None
                gate.shut()  # the Confirm's re-read of Jane waits here
                click = chat.submit(confirm)
                assert await post_activity(session, a.url, click) == "202"
                await attempted(url, 1)
                await until(lambda: gate.held >= 1, within=20, what="the Confirm at HubSpot")
                await a.kill()
                gate.open()
                await until(lambda: chat.replies_to(click["id"]), within=60, what="b's answer")
                (said,) = texts(chat.replies_to(click["id"]))
                assert said.startswith(NOT_SAVED), said
                assert hs.updates_of(jane) == []
                # The same card, pressed again (at the survivor), saves it once.
                chat.url = b.url
                again = texts(await chat.click(confirm))
                assert again == ["Contact updated — Jane Doe"], again
                assert hs.updates_of(jane) == [{"company": "Globex"}]

                # 2. Killed after HubSpot wrote, before the answer came back: saved, said so.
                await a.start()
                chat.url = a.url
                confirm = confirm_of(await chat.say("update jane@acme.com company Initech"))
                assert confirm is not None
                committed = hs.counters["update"].committed
                hs.controls.faults = Faults(
                    rate=1.0,
                    routes=frozenset({"update"}),
                    hang_share=1.0,
                    hang_seconds=6,
                    after_commit_share=1.0,
                )
                click = chat.submit(confirm)
                assert await post_activity(session, a.url, click) == "202"
                await until(
                    lambda: hs.counters["update"].committed > committed,
                    within=20,
                    what="the update committed in HubSpot",
                )
                await a.kill()
                hs.controls.faults = Faults()
                await until(
                    lambda: len(texts(chat.replies_to(click["id"]))) >= 2,
                    within=60,
                    what="b's answer and the contact's card",
                )
                await asyncio.sleep(0.5)  # anything more would be on its way by now
                assert texts(chat.replies_to(click["id"])) == [SAVED, "Contact updated — Jane Doe"]
                assert "took over" in b.tail(400)

        # HubSpot holds two updates: each has exactly one audit record, applied, naming who
        # asked; the write it lacks is recorded not done, and nothing is left "attempted".
        # (The second's answer never came: it is counted, not recorded among the answered.)
        assert hs.counters["update"].committed == 2
        (contact,) = await contacts_with_email(hs, "jane@acme.com")
        assert contact["company"] == "Initech"
        log = [e for e in await audit_of(url) if e.action == "update"]
        assert [(e.outcome, e.properties["company"]) for e in log] == [
            ("not-done", "Globex"),
            ("applied", "Globex"),
            ("applied", "Initech"),
        ]
        sender = chat.message("x")["from"]
        assert {(e.actor_id, e.contact_id) for e in log} == {(sender["id"], jane)}


@pytest.mark.timeout(170)
async def test_a_create_cut_by_its_instance_dying_is_settled_by_the_other(
    tmp_path,
    postgres,
    reaper,  # noqa: F811
):
    url = await asyncio.to_thread(postgres.new_database)
    async with shared_hubspot() as hs, TestChannel() as channel:
        async with AppProcesses(tmp_path, database_url=url, hubspot=hs) as apps:
            reaper.append(apps)
            env = {"TURN_ANSWER_SECONDS": "0", "HUBSPOT_ACTION_SECONDS": "4"}
            a, b = apps.add("a", **env), apps.add("b", **env)
            await asyncio.gather(a.start(), b.start())
            async with aiohttp.ClientSession() as session:
                chat = RemoteChat(session, a.url, channel, reply_wait=60)
                await chat.start()

                # 1. HubSpot created it, the instance died before the answer: told created.
                hs.controls.faults = hanging("create", after_commit=True)
                add = chat.message("add Kim Park kim@park.kr Acme")
                assert await post_activity(session, a.url, add) == "202"
                await until(lambda: hs.counters["create"].committed == 1, within=20, what="made")
                await a.kill()
                hs.controls.faults = Faults()
                await until(
                    lambda: len(texts(chat.replies_to(add["id"]))) >= 2,
                    within=60,
                    what="b's answer and the contact's card",
                )
                assert texts(chat.replies_to(add["id"])) == [CREATED, "Contact created — Kim Park"]

                # 2. The instance died while HubSpot held the create, unwritten: told not
                # created, with the form to send again (at the survivor): created once.
                await a.start()
                hs.controls.faults = hanging("create", after_commit=False)
                faulted = hs.counters["create"].faulted
                add = chat.message("add Lea Kang lea@kang.kr Acme")
                assert await post_activity(session, a.url, add) == "202"
                await until(
                    lambda: hs.counters["create"].faulted > faulted,
                    within=20,
                    what="the create held at HubSpot",
                )
                await a.kill()
                hs.controls.faults = Faults()
                await until(lambda: chat.replies_to(add["id"]), within=60, what="b's answer")
                (form,) = [c for r in chat.replies_to(add["id"]) for c in r.cards]
                assert any("it was not created" in t for t in card_texts(form)), card_texts(form)
                assert hs.counters["create"].committed == 1
                chat.url, chat.nonce = b.url, find_nonce(form)  # the form came by a raw POST
                values = {"firstname": "Lea", "lastname": "Kang", "email": "lea@kang.kr"}
                made = texts(await chat.click({**action_data(form, "Create"), **values}))
                assert made == ["Contact created — Lea Kang"], made

        assert hs.counters["create"].committed == 2
        (kim,) = await contacts_with_email(hs, "kim@park.kr")
        (lea,) = await contacts_with_email(hs, "lea@kang.kr")
        log = [e for e in await audit_of(url) if e.action == "create"]
        assert [(e.outcome, e.contact_id, e.properties["email"]) for e in log] == [
            ("applied", kim["id"], "kim@park.kr"),
            ("not-done", "", "lea@kang.kr"),
            ("applied", lea["id"], "lea@kang.kr"),
        ]
        sender = chat.message("x")["from"]
        assert {e.actor_id for e in log} == {sender["id"]}


def hanging(route: str, *, after_commit: bool) -> Faults:
    """Every `route` request held 6 s at HubSpot, after writing or before (then nothing is)."""
    return Faults(
        rate=1.0,
        routes=frozenset({route}),
        hang_share=1.0,
        hang_seconds=6,
        after_commit_share=1.0 if after_commit else 0.0,
    )
