"""Issue 23: the claim on a new contact's email holds across instances. Two ContactsServices,
each with its own adapter (two instances), share one store's leases (SQLite here; PostgreSQL
in tests/processes/test_same_email_two_instances.py); two users add the same email at once
while HubSpot refuses one create attempt. Exactly one is told "created", with their own values;
the other is told the email is taken, and shown the contact HubSpot holds."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import pytest

from contacts import ContactsService, CreateResult, DuplicateContact, HubSpotUnavailable
from contacts.budget import RequestBudget
from contacts.hubspot import HubSpotAdapter
from contacts.retrying import RetryPolicy
from ground.ids import new_email_claim_key
from store.sqlite import SqliteStore
from tests.support.aimed_faults import refused_first
from tests.support.hubspot_server import LocalHubSpot, hubspot_server

pytestmark = pytest.mark.timeout(60)

PAIRS = 10


@asynccontextmanager
async def two_instances(
    hs: LocalHubSpot, tmp_path: Path, *, action_seconds: float = 12.0
) -> AsyncIterator[tuple[ContactsService, ContactsService, SqliteStore]]:
    store = SqliteStore(tmp_path / "shared.sqlite3")
    await store.open()
    async with AsyncExitStack() as stack:
        stack.push_async_callback(store.close)
        services = []
        for _ in range(2):
            adapter = HubSpotAdapter(
                hs.token,
                host=hs.url,
                timeout_seconds=2,
                retry=RetryPolicy(attempts=4, backoff_base_seconds=0.05, backoff_cap_seconds=0.2),
                budget=RequestBudget.off(),
            )
            service = ContactsService(adapter, leases=store, action_seconds=action_seconds)
            stack.push_async_callback(service.aclose)
            services.append(service)
        yield services[0], services[1], store


async def test_two_instances_adding_one_email_while_hubspot_refuses_once(tmp_path) -> None:
    async with hubspot_server() as hs, two_instances(hs, tmp_path) as (a, b, _):
        for n in range(PAIRS):
            email = f"pair{n}@lee.io"
            hs.controls.faults = refused_first("create")  # the first create of this pair
            told = await asyncio.gather(
                a.create({"email": email, "firstname": "Ann", "lastname": f"A{n}"}),
                b.create({"email": email, "firstname": "Bo", "lastname": f"B{n}"}),
                return_exceptions=True,
            )
            created = [t for t in told if isinstance(t, CreateResult)]
            taken = [t for t in told if isinstance(t, DuplicateContact)]
            assert len(created) == 1 and len(taken) == 1, f"pair {n}: {told}"
            (record,) = [
                r for r in (await hs.store.page(0, 10_000))[0] if r.props["email"] == email
            ]
            winner = created[0].contact
            assert winner.id == str(record.id), f"pair {n}"
            assert winner.get("lastname") == record.props["lastname"], f"pair {n}"  # their own
            assert taken[0].existing is not None and taken[0].existing.id == winner.id
        # The claim kept the other create from being sent at all: per pair one create refused,
        # one made, and no 409 for an email already taken.
        assert hs.counters["create"].committed == PAIRS
        assert hs.counters["create"].statuses == {503: PAIRS, 201: PAIRS}


async def test_a_claim_left_by_a_killed_instance_runs_out(tmp_path) -> None:
    async with hubspot_server() as hs, two_instances(hs, tmp_path) as (a, _, store):
        key = new_email_claim_key("cho@lee.io")
        assert await store.lease_take(key, owner="killed-instance", seconds=0.5)
        result = await a.create({"email": "cho@lee.io", "firstname": "Cho"})
        assert result.contact.email == "cho@lee.io"
        assert await store.lease_take(key, owner="next", seconds=1)  # let go once done


async def test_a_claim_held_past_the_action_deadline_writes_nothing(tmp_path) -> None:
    async with (
        hubspot_server() as hs,
        two_instances(hs, tmp_path, action_seconds=0.5) as (
            a,
            _,
            store,
        ),
    ):
        assert await store.lease_take(new_email_claim_key("cho@lee.io"), owner="busy", seconds=30)
        with pytest.raises(HubSpotUnavailable) as told:
            await a.create({"email": "cho@lee.io", "firstname": "Cho"})
        assert told.value.write_may_have_happened is False
        assert hs.counters["create"].total == 0
