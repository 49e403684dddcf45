"""Issue 9's acceptance tests with real processes: two `python app.py` instances on one
PostgreSQL, one HubSpot, behind a round-robin balancer the test serves; replies go to a test
channel. Every write is applied once, whichever instance gets it, however often it is delivered,
and across kill -9 at any moment; every user-visible claim matches what HubSpot holds.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from dataclasses import dataclass, field

import aiohttp
import pytest

from tests.support.card_shapes import one_card_per_shape
from tests.support.channel import Recorded, TestChannel
from tests.support.cluster import (
    ALREADY_SAVED,
    GENERIC_ERROR,
    IN_DOUBT,
    Cluster,
    add_contact,
    confirm_of,
    contacts_with_email,
    kill_at_random,
    reaper,
    stacks_dumped_before_the_timeout,
    texts,
    two_instances,
    word,
)
from tests.support.gate import HubSpotGate
from tests.support.processes import AppProcesses, shared_hubspot
from tests.support.remote_chat import ACCEPTED, RemoteChat, post_activity
from tests.support.waiting import until

__all__ = ["reaper", "stacks_dumped_before_the_timeout"]  # fixtures, used by name

# -- a) two instances at once ------------------------------------------------------------------

ROUNDS = 50


@pytest.mark.timeout(90)
async def test_one_confirm_at_both_instances_at_once_is_applied_once(tmp_path, postgres, reaper):
    """Even rounds: one activity at both instances (a redelivery racing the original); odd
    rounds: two clicks of one Confirm, one at each instance."""
    async with two_instances(tmp_path, postgres, reaper) as cl:
        jane = await add_contact(cl.hs, firstname="Jane", lastname="Doe", email="jane@acme.com")
        chat = cl.chat()
        await chat.start()
        for n in range(ROUNDS):
            preview = await chat.say(f"update jane@acme.com company Globex {word(n)}")
            confirm = confirm_of(preview)
            assert confirm is not None, f"round {n}: {texts(preview)}"
            first = chat.submit(confirm)
            second = first if n % 2 == 0 else chat.submit(confirm)
            before = cl.hs.counters["update"].committed
            outcomes = await asyncio.gather(
                post_activity(cl.session, cl.a.url, first),
                post_activity(cl.session, cl.b.url, second),
            )
            assert set(outcomes) <= ACCEPTED, f"round {n}: {outcomes}"
            said = texts(chat.replies_to(first["id"]))
            if second is not first:
                said += texts(chat.replies_to(second["id"]))
            assert cl.hs.counters["update"].committed == before + 1, f"round {n}: {said}"
            assert said.count("Contact updated — Jane Doe") == 1, f"round {n}: {said}"
            assert not any(t.startswith(GENERIC_ERROR) for t in said), f"round {n}: {said}"
            if second is first:
                assert len(said) == 1, f"round {n}: the redelivery was answered: {said}"
            else:
                assert len(said) == 2 and any(t.startswith(ALREADY_SAVED) for t in said), said
        expected = [{"company": f"Globex {word(n)}"} for n in range(ROUNDS)]
        assert cl.hs.updates_of(jane) == expected
        (contact,) = await contacts_with_email(cl.hs, "jane@acme.com")
        assert contact["company"] == f"Globex {word(ROUNDS - 1)}"
        audit = [e for e in await cl.audit_log() if e.action == "update" and e.outcome == "applied"]
        assert sorted(e.properties["company"] for e in audit) == sorted(
            p["company"] for p in expected
        )


@pytest.mark.timeout(90)
async def test_two_turns_of_one_conversation_at_once_both_complete(tmp_path, postgres, reaper):
    """A create with a search (even rounds) or with an update preview (odd rounds) of one
    conversation, at once through the balancer (so at the two instances): both answered right,
    and the preview's pending update survives the other turn's state save (its Confirm works)."""
    async with two_instances(tmp_path, postgres, reaper) as cl:
        await add_contact(cl.hs, firstname="Jane", lastname="Doe", email="jane@acme.com")
        chat = cl.chat()
        await chat.start()
        for n in range(ROUNDS):
            name = f"Ann {word(n)}"
            create = chat.say(f"add {name} ann.{word(n).lower()}@lee.io Initech")
            other_text = (
                "find jane@acme.com"
                if n % 2 == 0
                else f"update jane@acme.com company Initrode {word(n)}"
            )
            created, other = await asyncio.gather(create, chat.say(other_text))
            said = texts(created) + texts(other)
            assert texts(created)[:1] == [f"Contact created — {name}"], f"round {n}: {said}"
            assert not any(t.startswith(GENERIC_ERROR) for t in said), f"round {n}: {said}"
            if n % 2 == 0:
                assert texts(other) == ["Search results — Showing 1 of 1"], f"round {n}: {said}"
                continue
            confirm = confirm_of(other)
            assert confirm is not None, f"round {n}: {said}"
            confirmed = texts(await chat.click(confirm))
            assert confirmed == ["Contact updated — Jane Doe"], f"round {n}: {confirmed}"
        assert cl.hs.counters["create"].committed == ROUNDS + 1
        for n in range(ROUNDS):
            found = await contacts_with_email(cl.hs, f"ann.{word(n).lower()}@lee.io")
            assert [c["lastname"] for c in found] == [word(n)]
        assert cl.proxy.forwarded[cl.a.name] and cl.proxy.forwarded[cl.b.name]


@pytest.mark.timeout(60)
async def test_a_redelivery_to_the_other_instance_is_processed_once(tmp_path, postgres, reaper):
    async with two_instances(tmp_path, postgres, reaper) as cl:
        chat = cl.chat(cl.a.url)
        await chat.start()
        create = chat.message("add Ann Park ann@park.kr Initech")
        for app in (cl.a, cl.b, cl.a):  # Teams gave up waiting and sent it again, elsewhere
            assert await post_activity(cl.session, app.url, create) in ACCEPTED
        assert texts(chat.replies_to(create["id"])) == ["Contact created — Ann Park"]
        assert cl.hs.counters["create"].committed == 1

        confirm = confirm_of(await chat.say("update ann@park.kr company Globex"))
        assert confirm is not None
        click = chat.submit(confirm)
        for app in (cl.a, cl.b):
            assert await post_activity(cl.session, app.url, click) in ACCEPTED
        assert texts(chat.replies_to(click["id"])) == ["Contact updated — Ann Park"]
        assert cl.hs.counters["update"].committed == 1
        (ann,) = await contacts_with_email(cl.hs, "ann@park.kr")
        assert ann["company"] == "Globex"


@pytest.mark.timeout(120)
async def test_a_turn_answered_at_once_survives_its_instance_dying(tmp_path, postgres, reaper):
    """Issue 10: an instance answers the POST (202) and dies before the turn ends; the channel
    never delivers it again, yet the user gets the answer: the other instance takes the turn
    over from the shared inbox once the dead one's lease runs out."""
    url = await asyncio.to_thread(postgres.new_database)
    async with shared_hubspot() as hs, HubSpotGate(hs.url) as gate, TestChannel() as channel:
        await add_contact(hs, firstname="Jane", lastname="Doe", email="jane@acme.com")
        async with AppProcesses(tmp_path, database_url=url, hubspot=hs) as apps:
            reaper.append(apps)
            a = apps.add("a", TURN_ANSWER_SECONDS="0", HUBSPOT_BASE_URL=gate.url)
            b = apps.add("b", TURN_ANSWER_SECONDS="0", HUBSPOT_BASE_URL=gate.url)
            await asyncio.gather(a.start(), b.start())
            async with aiohttp.ClientSession() as session:
                chat = RemoteChat(session, a.url, channel, reply_wait=30)
                await chat.start()
                gate.shut()
                find = chat.message("find jane@acme.com")
                assert await post_activity(session, a.url, find) == "202"
                await until(lambda: gate.held >= 1, within=20, what="the find reaching HubSpot")
                await a.kill()  # kill -9, the turn in the middle of its HubSpot call
                gate.open()
                await until(
                    lambda: chat.replies_to(find["id"]), within=60, what="the taken-over reply"
                )
                (reply,) = chat.replies_to(find["id"])
                shown = reply.text + str(reply.cards)
                assert "Jane Doe" in shown and "jane@acme.com" in shown
                assert "took over" in b.tail(200)
                # Delivered once more to the survivor: processed once, no second answer.
                assert await post_activity(session, b.url, find) in ACCEPTED
                await asyncio.sleep(0.5)  # a second answer would be on its way by now
                assert len(chat.replies_to(find["id"])) == 1


@pytest.mark.timeout(120)
async def test_a_turn_answered_at_once_is_run_by_the_restart_on_sqlite(tmp_path, reaper):
    """One process on SQLite (the default): killed after answering, it finds the accepted turn
    in its inbox when it starts again and runs it at once, with no lease to wait out."""
    async with shared_hubspot() as hs, HubSpotGate(hs.url) as gate, TestChannel() as channel:
        await add_contact(hs, firstname="Jane", lastname="Doe", email="jane@acme.com")
        async with AppProcesses(tmp_path, database_url="", hubspot=hs) as apps:
            reaper.append(apps)
            solo = apps.add(
                "solo", TURN_ANSWER_SECONDS="0", TURN_LEASE_SECONDS="600", HUBSPOT_BASE_URL=gate.url
            )
            await solo.start()
            async with aiohttp.ClientSession() as session:
                chat = RemoteChat(session, solo.url, channel)
                await chat.start()
                gate.shut()
                find = chat.message("find jane@acme.com")
                assert await post_activity(session, solo.url, find) == "202"
                await until(lambda: gate.held >= 1, within=20, what="the find reaching HubSpot")
                await solo.kill()
                gate.open()
                assert chat.replies_to(find["id"]) == []
                await solo.start()  # the lease (600 s) has not run out: only the restart can
                await until(
                    lambda: chat.replies_to(find["id"]), within=60, what="the restart's reply"
                )
                (reply,) = chat.replies_to(find["id"])
                assert "Jane Doe" in reply.text + str(reply.cards)


# -- b) kill -9 while 200 conversations create, search and update ------------------------------

CONVERSATIONS = 200
AT_ONCE = 20
SEED = 9


@dataclass
class Script:
    """One scripted user. Every one creates a contact; by `n % 4` it then finds it and
    changes its company (0), changes its job title (1), finds it (2), or stops (3): HubSpot's
    budget of 100 calls per 10 s per instance (contacts/budget.py) bounds how fast the test
    can go, so not every conversation does everything. `claims` holds, per write, what the
    user was told: "saved" (created / updated / already saved), "doubt" (may or may not have
    been saved) or "none" (no claim)."""

    n: int
    chat: RemoteChat
    claims: dict[str, str] = field(default_factory=dict)
    said: list[str] = field(default_factory=list)

    @property
    def first(self) -> str:
        return ("Mia", "Jun", "Ava", "Leo", "Zoe")[self.n % 5]

    @property
    def last(self) -> str:
        return word(self.n)

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def email(self) -> str:
        return f"{self.first.lower()}.{self.last.lower()}@kill.io"

    @property
    def created(self) -> dict[str, str]:
        """The fields the script checks, as its create sets them."""
        return {"company": f"Acme {self.last}", "jobtitle": ""}

    @property
    def update(self) -> tuple[str, str] | None:
        """The field the script updates and its new value, if it updates one."""
        if self.n % 4 == 0:
            return "company", f"Globex {self.last}"
        if self.n % 4 == 1:
            return "jobtitle", f"Head of {self.last}"
        return None

    def claim(self, step: str, replies: list[Recorded], saved_text: str) -> str:
        said = texts(replies)
        self.said += said
        if saved_text in said or any(t.startswith(ALREADY_SAVED) for t in said):
            outcome = "saved"
        elif any(t.startswith(IN_DOUBT) for t in said):
            outcome = "doubt"
        else:
            outcome = "none"
        self.claims[step] = outcome
        return outcome

    async def run(self) -> None:
        chat = self.chat
        await chat.start()
        created = await chat.say(f"add {self.name} {self.email} Acme {self.last}")
        told = self.claim("create", created, f"Contact created — {self.name}")
        if self.n % 2 == 0:
            # A search cut off after its answer went out is answered again: reads may repeat.
            found = texts(await chat.say(f"find {self.email}"))
            self.said += found
            if told == "saved":
                assert found and set(found) == {"Search results — Showing 1 of 1"}, self.email
        if self.update is None:
            return
        step, new = self.update
        words = "company" if step == "company" else "title"
        preview = await chat.say(f"update {self.email} {words} {new}")
        confirm = confirm_of(preview)
        if confirm is None:  # no such contact: only when its create claimed nothing
            self.said += texts(preview)
            assert told != "saved", f"{self.email}: {texts(preview)}"
            self.claims[step] = "none"
            return
        self.claim(step, await chat.click(confirm), f"Contact updated — {self.name}")


@pytest.mark.timeout(180)
async def test_kill_9_during_200_conversations_keeps_every_claim_true(tmp_path, postgres, reaper):
    rng = random.Random(SEED)
    async with two_instances(tmp_path, postgres, reaper) as cl:
        scripts = [Script(n, cl.chat()) for n in range(CONVERSATIONS)]
        room = asyncio.Semaphore(AT_ONCE)
        done = asyncio.Event()

        async def one(script: Script) -> None:
            async with room:
                await script.run()

        killer = asyncio.create_task(kill_at_random(cl, rng, done))
        try:
            results = await asyncio.gather(*(one(s) for s in scripts), return_exceptions=True)
        finally:
            done.set()
            one_card_per_shape()
            kills = await killer
        failures = [f"{s.email}: {r!r}" for s, r in zip(scripts, results, strict=True) if r]
        assert not failures, "\n".join(failures[:20])

        outcomes: Counter[str] = Counter()
        for script in scripts:
            outcomes.update(f"{step}:{claim}" for step, claim in script.claims.items())
        deliveries = [d for s in scripts for d in s.chat.deliveries]
        summary = (
            f"kills: {len(kills)} ({Counter(kills)}); deliveries: {len(deliveries)}, "
            f"redeliveries: {sum(d.redeliveries for d in deliveries)}, "
            f"undelivered: {sum(not d.delivered for d in deliveries)}; "
            f"502s: {dict(cl.proxy.refused)}; claims: {dict(sorted(outcomes.items()))}"
        )
        print(summary)
        generic = [t for s in scripts for t in s.said if t.startswith(GENERIC_ERROR)]
        assert not generic, f"{len(generic)} generic errors; {summary}"
        assert kills, "no instance was killed"
        assert all(d.delivered for d in deliveries), summary

        audit = [e for e in await cl.audit_log() if e.outcome == "applied"]
        audited = Counter(
            (e.action, e.contact_id, tuple(sorted(e.properties.items()))) for e in audit
        )
        assert max(audited.values(), default=0) == 1, "a write audited twice"
        creates = [w for w in cl.hs.writes if w.route == "create"]
        assert cl.hs.counters["create"].committed == len(creates) <= CONVERSATIONS
        assert cl.hs.counters["update"].committed == len(
            [w for w in cl.hs.writes if w.route == "update"]
        )
        for script in scripts:
            await check_claims(cl, script, audited)


async def check_claims(cl: Cluster, script: Script, audited: Counter) -> None:
    """What HubSpot holds agrees with everything this user was told."""
    found = await contacts_with_email(cl.hs, script.email)
    where = f"{script.email} (told {script.claims}; saw {script.said})"
    assert len(found) <= 1, f"created twice: {where}"
    if script.claims["create"] == "saved":
        assert len(found) == 1, f"told created, not in HubSpot: {where}"
    if not found:
        assert all(claim != "saved" for claim in script.claims.values()), where
        return
    (contact,) = found
    assert (contact["firstname"], contact["lastname"]) == (script.first, script.last), where
    if script.claims["create"] == "saved":
        audited_creates = [k for k in audited if k[:2] == ("create", contact["id"])]
        assert len(audited_creates) == 1, f"create audited {len(audited_creates)} times: {where}"
    updates = cl.hs.updates_of(contact["id"])
    step, new = script.update or ("", "")
    assert updates in ([], [{step: new}]), f"updates applied: {updates}: {where}"
    for name, at_create in script.created.items():
        held = contact.get(name) or ""
        claim = script.claims.get(step, "none") if name == step else "none"
        if claim == "saved":
            assert held == new, f"told {name} = {new!r}, HubSpot has {held!r}: {where}"
            assert audited[("update", contact["id"], ((name, new),))] == 1, f"unaudited: {where}"
        elif claim == "none":
            assert held == at_create, f"{name} is {held!r} unasked: {where}"
        else:
            assert held in (at_create, new), where
