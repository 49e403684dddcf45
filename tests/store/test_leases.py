"""Leases, the store side of the claim on a new contact's email (issue 23): one owner at a
time across every instance, a lease of a dead owner runs out, a repeat by its owner holds it
again, and nobody lets go of another's. The same rules for memory, SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from ground.ids import new_email_claim_key
from store import Store
from store.memory import MemoryStore
from store.postgres import PostgresStore
from store.sqlite import SqliteStore
from tests.support.postgres import PostgresServer

KEY = new_email_claim_key(" Ann@Lee.IO ")


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["memory", "sqlite", "postgres"])
async def store(request, tmp_path, clock) -> AsyncIterator[Store]:
    made: Store
    if request.param == "memory":
        made = MemoryStore(clock=clock)
    elif request.param == "sqlite":
        made = SqliteStore(tmp_path / "state.sqlite3", clock=clock)
    else:
        server: PostgresServer = request.getfixturevalue("postgres")
        made = PostgresStore(await asyncio.to_thread(server.new_database), clock=clock)
    await made.open()
    try:
        yield made
    finally:
        await made.close()


def test_the_key_is_the_normalised_email() -> None:
    assert KEY == "new-email/ann@lee.io"


async def test_one_of_many_racing_owners_holds_the_lease(store):
    taken = await asyncio.gather(
        *(store.lease_take(KEY, owner=f"instance-{i}", seconds=30) for i in range(20))
    )
    assert taken.count(True) == 1
    winner = f"instance-{taken.index(True)}"
    assert await store.lease_take(KEY, owner=winner, seconds=30)  # a repeat: still its own
    assert not await store.lease_take(KEY, owner="late", seconds=30)
    assert await store.lease_take("new-email/other@lee.io", owner="late", seconds=30)


async def test_a_dead_owners_lease_runs_out(store, clock):
    assert await store.lease_take(KEY, owner="killed", seconds=30)
    clock.now += 29
    assert not await store.lease_take(KEY, owner="next", seconds=30)
    clock.now += 1
    assert await store.lease_take(KEY, owner="next", seconds=30)
    assert not await store.lease_take(KEY, owner="killed", seconds=30)  # it is next's now


async def test_only_the_owner_lets_go(store):
    assert await store.lease_take(KEY, owner="a", seconds=30)
    await store.lease_drop(KEY, owner="b")  # a late drop of someone else: nothing happens
    assert not await store.lease_take(KEY, owner="c", seconds=30)
    await store.lease_drop(KEY, owner="a")
    assert await store.lease_take(KEY, owner="c", seconds=30)
