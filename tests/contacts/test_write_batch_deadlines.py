"""A coalesced write never outlives its caller's deadline: a batch of writes ends at the
earliest deadline among its callers (reads keep the latest), so a settlement that reads HubSpot
after a writer's deadline cannot be overtaken by a request of that writer still being sent
(flows/settle.py, flows/settle_sweep.py). And a write batch that failed in a way nobody
foresaw may have been sent: its callers hear "may have been written", never "not done"."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from contacts import HubSpotUnavailable, deadline
from contacts.batching import Coalescer

pytestmark = pytest.mark.timeout(10)


async def _caller(batches: Coalescer[str, str, str], key: str, seconds: float):
    with deadline.action(seconds) as due:
        return due, await batches.submit(key, key)


async def test_a_write_batch_ends_at_its_earliest_callers_deadline_a_read_at_the_latest():
    seen: list[float | None] = []

    async def run(items: list[str]) -> Sequence[str]:
        seen.append(deadline.current())
        return list(items)

    writes: Coalescer[str, str, str] = Coalescer(run, window=0.02, share=False, writes=True)
    reads: Coalescer[str, str, str] = Coalescer(run, window=0.02, share=True, writes=False)
    (early, a), (_, b) = await asyncio.gather(_caller(writes, "a", 2.0), _caller(writes, "b", 5.0))
    (_, c), (late, d) = await asyncio.gather(_caller(reads, "c", 2.0), _caller(reads, "d", 5.0))
    assert (a, b, c, d) == ("a", "b", "c", "d")
    assert seen == [early, late]


async def test_a_write_batch_that_broke_unforeseen_may_have_been_written():
    async def run(items: list[str]) -> Sequence[str]:
        raise RuntimeError("something nobody foresaw")

    for writes in (True, False):
        batches: Coalescer[str, str, str] = Coalescer(
            run, window=0.01, share=not writes, writes=writes
        )
        with pytest.raises(HubSpotUnavailable) as failed:
            await _caller(batches, "a", 2.0)
        assert failed.value.write_may_have_happened is writes
